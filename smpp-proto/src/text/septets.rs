//! Septet packing (3GPP TS 23.038 §6.1.2.1) with UDH fill bits.
//!
//! Septet *i* occupies stream bits `fill + 7i .. fill + 7i + 6`, octet *k* holds stream bits
//! `8k .. 8k + 7`, least significant bit first. The first `fill` bits of the stream are zero
//! (they align the first character on a septet boundary after a user data header).

/// Fill bits needed after a user data header of `udh_len` octets (UDHL octet included) so that
/// the first septet starts on a septet boundary: `(7 - (udh_len × 8) mod 7) mod 7`.
///
/// ```
/// use smpp_proto::text::septets::fill_bits;
/// assert_eq!(fill_bits(6), 1); // 8-bit concatenation UDH
/// assert_eq!(fill_bits(7), 0); // 16-bit concatenation UDH
/// assert_eq!(fill_bits(0), 0);
/// ```
pub const fn fill_bits(udh_len: usize) -> u8 {
    ((7 - (udh_len * 8) % 7) % 7) as u8
}

/// Number of octets `septets` septets occupy when packed after `fill` fill bits.
pub const fn packed_len(septets: usize, fill: u8) -> usize {
    (septets * 7 + fill as usize).div_ceil(8)
}

/// Number of septets that fit in `octets` packed octets after `fill` fill bits.
pub const fn septets_in(octets: usize, fill: u8) -> usize {
    (octets * 8).saturating_sub(fill as usize) / 7
}

/// Squeeze the low 7 bits of 8 bytes (little endian in `x`) into 56 contiguous bits.
#[inline]
fn squeeze(mut x: u64) -> u64 {
    x &= 0x7F7F_7F7F_7F7F_7F7F;
    x = (x & 0x007F_007F_007F_007F) | ((x & 0x7F00_7F00_7F00_7F00) >> 1);
    x = (x & 0x0000_3FFF_0000_3FFF) | ((x & 0x3FFF_0000_3FFF_0000) >> 2);
    (x & 0x0000_0000_0FFF_FFFF) | ((x & 0x0FFF_FFFF_0000_0000) >> 4)
}

/// Inverse of [`squeeze`]: spread 56 bits into 8 bytes of 7 bits each.
#[inline]
pub(crate) fn spread(mut x: u64) -> u64 {
    x &= 0x00FF_FFFF_FFFF_FFFF;
    x = (x & 0x0000_0000_0FFF_FFFF) | ((x & 0x00FF_FFFF_F000_0000) << 4);
    x = (x & 0x0000_3FFF_0000_3FFF) | ((x & 0x0FFF_C000_0FFF_C000) << 2);
    (x & 0x007F_007F_007F_007F) | ((x & 0x3F80_3F80_3F80_3F80) << 1)
}

/// Pack the septets held in `buf[start..]` (one per octet, high bit ignored) in place,
/// preceded by `fill` zero bits (`fill` is taken modulo 8), and truncate `buf` to the packed
/// length.
///
/// Padding: when the last octet has 7 spare bits they are left zero (SMS practice); see
/// [`unpack_with`] for how a decoder treats them.
pub fn pack_in_place(buf: &mut Vec<u8>, start: usize, fill: u8) {
    let n = buf.len().saturating_sub(start);
    let out_len = packed_len(n, fill % 8);
    if start + out_len > buf.len() {
        buf.resize(start + out_len, 0);
    }
    let w = buf
        .get_mut(start..)
        .map_or(0, |area| pack_area(area, n, fill));
    buf.truncate(start + w);
}

/// Pack the first `n` septets of `area` in place after `fill` fill bits (modulo 8); returns
/// the packed length. `area` must hold at least `max(n, packed_len(n, fill))` octets (the
/// packed output never overtakes the septets still to be read).
pub(crate) fn pack_area(area: &mut [u8], n: usize, fill: u8) -> usize {
    let fill = u32::from(fill % 8);
    let n = n.min(area.len());
    let mut acc: u64 = 0;
    let mut nbits: u32 = fill;
    let mut r = 0usize;
    let mut w = 0usize;
    // Bulk: 8 septets -> 7 octets. The write window (w..w+7) never passes the read position.
    while r + 8 <= n {
        let mut eight = [0u8; 8];
        if let Some(src) = area.get(r..r + 8) {
            eight.copy_from_slice(src);
        }
        acc |= squeeze(u64::from_le_bytes(eight)) << nbits;
        let bytes = acc.to_le_bytes();
        if let (Some(dst), Some(src)) = (area.get_mut(w..w + 7), bytes.get(..7)) {
            dst.copy_from_slice(src);
        }
        acc >>= 56;
        r += 8;
        w += 7;
    }
    while r < n {
        let s = area.get(r).copied().unwrap_or(0) & 0x7F;
        acc |= u64::from(s) << nbits;
        nbits += 7;
        r += 1;
        if nbits >= 8 {
            if let Some(d) = area.get_mut(w) {
                *d = acc as u8;
            }
            w += 1;
            acc >>= 8;
            nbits -= 8;
        }
    }
    if nbits > 0 {
        if let Some(d) = area.get_mut(w) {
            *d = acc as u8;
        }
        w += 1;
    }
    w
}

/// Pack `septets` (one per octet, high bit ignored) after `fill` fill bits, appending to `out`.
///
/// ```
/// use smpp_proto::text::septets::pack;
/// let mut out = Vec::new();
/// pack(b"\x48\x69", 0, &mut out); // "Hi"
/// assert_eq!(out, [0xC8, 0x34]);
/// ```
pub fn pack(septets: &[u8], fill: u8, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(septets);
    pack_in_place(out, start, fill);
}

/// What [`unpack_with`] found at the end of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnpackInfo {
    /// Septets passed to the callback.
    pub septets: usize,
    /// A final '@' (0x00) or CR (0x0D) filling the last octet's 7 spare bits was removed
    /// (smpp-reference §10.3: the receiver cannot tell padding from a character there).
    pub dropped_padding: bool,
}

/// Number of septets [`unpack_with`] delivers for `octets` after `fill` (< 8) fill bits, and
/// whether a final '@' / CR was dropped as padding.
#[inline]
pub(crate) fn septets_to_deliver(octets: &[u8], fill: u8) -> (usize, bool) {
    let total_bits = (octets.len() * 8).saturating_sub(usize::from(fill));
    let count = total_bits / 7;
    if count > 0 && total_bits % 7 == 0 {
        // The last septet occupies the top 7 bits of the last octet.
        let last = octets.last().map_or(0, |b| b >> 1);
        if last == 0x00 || last == 0x0D {
            return (count - 1, true);
        }
    }
    (count, false)
}

/// Unpack packed septets, skipping `fill` leading bits, calling `f` with successive runs of
/// septets (no allocation). When the septets end exactly on an octet boundary and the last one
/// is '@' or CR, it is treated as padding and not delivered (reported in [`UnpackInfo`]).
pub fn unpack_with(octets: &[u8], fill: u8, mut f: impl FnMut(&[u8])) -> UnpackInfo {
    let fill = fill % 8;
    let (count, dropped_padding) = septets_to_deliver(octets, fill);
    let mut buf = [0u8; 128];
    let mut filled = 0usize;
    let mut produced = 0usize;
    let mut acc: u64 = 0;
    let mut nbits: u32 = 0;
    let mut iter = octets.iter();
    if fill > 0 {
        if let Some(&b) = iter.next() {
            acc = u64::from(b >> fill);
            nbits = 8 - u32::from(fill);
        }
    }
    let mut rest = iter.as_slice();
    let mut flush = |buf: &mut [u8; 128], filled: &mut usize| {
        if let Some(run) = buf.get(..*filled) {
            f(run);
        }
        *filled = 0;
    };
    loop {
        while nbits >= 7 && produced < count {
            if let Some(slot) = buf.get_mut(filled) {
                *slot = (acc & 0x7F) as u8;
            }
            filled += 1;
            produced += 1;
            acc >>= 7;
            nbits -= 7;
            if filled == buf.len() {
                flush(&mut buf, &mut filled);
            }
        }
        if produced >= count {
            break;
        }
        // Bulk: 7 octets -> 8 septets when at least 8 more septets are wanted.
        if rest.len() >= 7 && count - produced >= 8 && filled + 8 <= buf.len() {
            let mut seven = [0u8; 8];
            if let (Some(dst), Some(src)) = (seven.get_mut(..7), rest.get(..7)) {
                dst.copy_from_slice(src);
            }
            let combined = acc | (u64::from_le_bytes(seven) << nbits);
            let spread8 = spread(combined).to_le_bytes();
            if let Some(dst) = buf.get_mut(filled..filled + 8) {
                dst.copy_from_slice(&spread8);
            }
            filled += 8;
            produced += 8;
            acc = combined >> 56;
            rest = rest.get(7..).unwrap_or_default();
            if filled == buf.len() {
                flush(&mut buf, &mut filled);
            }
            continue;
        }
        match rest.split_first() {
            Some((&b, tail)) => {
                acc |= u64::from(b) << nbits;
                nbits += 8;
                rest = tail;
            }
            None => break,
        }
    }
    flush(&mut buf, &mut filled);
    UnpackInfo {
        septets: produced,
        dropped_padding,
    }
}

/// Unpack packed septets into `out` (one septet per octet). See [`unpack_with`].
///
/// ```
/// use smpp_proto::text::septets::unpack;
/// let mut out = Vec::new();
/// let info = unpack(&[0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x00], 0, &mut out);
/// assert_eq!(out, b"1234567");
/// assert!(info.dropped_padding);
/// ```
pub fn unpack(octets: &[u8], fill: u8, out: &mut Vec<u8>) -> UnpackInfo {
    out.reserve(octets.len() * 8 / 7 + 1);
    unpack_with(octets, fill, |run| out.extend_from_slice(run))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack_slow(septets: &[u8], fill: u8) -> Vec<u8> {
        let mut bits = vec![false; fill as usize];
        for s in septets {
            for i in 0..7 {
                bits.push(s >> i & 1 == 1);
            }
        }
        bits.chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |a, (i, &b)| a | (u8::from(b) << i))
            })
            .collect()
    }

    #[test]
    fn squeeze_spread_inverse() {
        let x = 0x0102_0304_0506_0708u64 & 0x7F7F_7F7F_7F7F_7F7F;
        assert_eq!(spread(squeeze(x)), x);
    }

    #[test]
    fn vectors() {
        let mut out = Vec::new();
        pack(b"hellohello", 0, &mut out);
        assert_eq!(out, [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]);
        let mut back = Vec::new();
        unpack(&out, 0, &mut back);
        assert_eq!(back, b"hellohello");
        out.clear();
        pack(b"Hello", 1, &mut out);
        assert_eq!(out, [0x90, 0x65, 0x36, 0xFB, 0x0D]);
        back.clear();
        unpack(&out, 1, &mut back);
        assert_eq!(back, b"Hello");
    }

    #[test]
    fn matches_bitwise_reference() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 37 % 128) as u8).collect();
        for fill in 0..7u8 {
            for n in 0..data.len() {
                let s = &data[..n];
                let mut out = Vec::new();
                pack(s, fill, &mut out);
                assert_eq!(out, pack_slow(s, fill), "n={n} fill={fill}");
                let mut back = Vec::new();
                let info = unpack(&out, fill, &mut back);
                let bits = 7 * n + fill as usize;
                let spare = out.len() * 8 - bits;
                let mut expect = s.to_vec();
                if spare == 0 && matches!(s.last(), Some(0) | Some(0x0D)) {
                    expect.pop();
                    assert!(info.dropped_padding);
                } else {
                    assert_eq!(info.dropped_padding, spare == 7, "n={n} fill={fill}");
                }
                assert_eq!(back, expect, "n={n} fill={fill}");
            }
        }
    }
}
