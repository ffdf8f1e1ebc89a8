//! The `smpp` command: a toolbox for SMPP v3.4.
//!
//! * `smpp sim`: an SMSC simulator with provider profiles and fault injection.
//! * `smpp send` / `smpp listen`: submit a message, print MOs and receipts.
//! * `smpp bench`: a load generator (against a host, or an in-process simulator).
//! * `smpp demo`: simulator and client in one process, on loopback.
//! * `smpp decode`: hex PDUs or a pcap file to readable text or JSON.

mod bench;
mod common;
mod decode;
mod demo;
mod listen;
mod metrics;
mod pcap;
mod send;
mod sim;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// SMPP v3.4 toolbox.
#[derive(Debug, Parser)]
#[command(name = "smpp", version, about)]
struct Cli {
    /// Log more (-v: counters and connection events; -vv: debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode hex PDUs given as arguments, one per line on stdin, or from a pcap file.
    ///
    /// Whitespace and a `0x` prefix are tolerated; several PDUs back to back in one
    /// argument are decoded in turn. Exit status 1 if any input is malformed.
    Decode {
        /// Print one JSON object per PDU instead of text.
        #[arg(long)]
        json: bool,
        /// Read a packet capture (pcap) and decode every SMPP PDU of every TCP flow.
        #[arg(long, conflicts_with = "hex")]
        pcap: Option<std::path::PathBuf>,
        /// Hex PDUs; read stdin when none are given.
        hex: Vec<String>,
    },
    /// Run an SMSC simulator (prints its address on the first line).
    Sim(Box<sim::SimArgs>),
    /// Submit one message (split when long) and optionally wait for its receipts.
    Send(Box<send::SendArgs>),
    /// Bind and print every MO message and delivery receipt as it arrives.
    Listen(Box<listen::ListenArgs>),
    /// Load test an SMSC (or an in-process simulator when no --host is given).
    Bench(Box<bench::BenchArgs>),
    /// Simulator and client in one process: send, receipts, bench. Loopback only.
    Demo,
}

fn decode_hex(json: bool, hex: &[String]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut ok = true;
    let mut run = |line: &str, out: &mut dyn Write| {
        if !line.trim().is_empty() {
            ok &= decode::decode_line(line, json, out);
        }
    };
    if hex.is_empty() {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(l) => run(&l, &mut out),
                Err(e) => {
                    eprintln!("smpp decode: reading stdin: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    } else {
        for h in hex {
            run(h, &mut out);
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "error", // the command prints its own one-line errors; -v shows the library's warnings
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SMPP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn main() -> ExitCode {
    // A bug must still end in one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("smpp: internal error: {info}");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                e.exit();
            }
            let msg = e.to_string();
            let first = msg
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("smpp: {first} (see smpp --help)");
            return ExitCode::from(2);
        }
    };
    init_logging(cli.verbose);
    let name = match &cli.command {
        Command::Decode { .. } => "decode",
        Command::Sim(_) => "sim",
        Command::Send(_) => "send",
        Command::Listen(_) => "listen",
        Command::Bench(_) => "bench",
        Command::Demo => "demo",
    };
    let result: Result<bool, String> = match cli.command {
        Command::Decode { json, pcap, hex } => match pcap {
            Some(p) => pcap::run(&p, json),
            None => return decode_hex(json, &hex),
        },
        cmd => {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("smpp: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let verbose = cli.verbose > 0;
            rt.block_on(async move {
                match cmd {
                    Command::Sim(mut a) => {
                        a.verbose = verbose;
                        sim::run(*a).await.map(|()| true)
                    }
                    Command::Send(a) => send::run(*a).await,
                    Command::Listen(a) => listen::run(*a).await,
                    Command::Bench(a) => bench::run(*a).await,
                    Command::Demo => demo::run().await,
                    Command::Decode { .. } => Ok(false),
                }
            })
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("smpp {name}: {e}");
            ExitCode::FAILURE
        }
    }
}
