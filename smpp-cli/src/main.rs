//! The `smpp` command: a toolbox for SMPP v3.4.
//!
//! `smpp decode` turns hex PDUs (from a packet capture, a log, a bug report) into
//! readable text or JSON.

mod decode;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// SMPP v3.4 toolbox.
#[derive(Debug, Parser)]
#[command(name = "smpp", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode hex PDUs given as arguments, or one per line on stdin.
    ///
    /// Whitespace and a `0x` prefix are tolerated; several PDUs back to back in one
    /// argument are decoded in turn. Exit status 1 if any input is malformed.
    Decode {
        /// Print one JSON object per PDU instead of text.
        #[arg(long)]
        json: bool,
        /// Hex PDUs; read stdin when none are given.
        hex: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode { json, hex } => {
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
                for h in &hex {
                    run(h, &mut out);
                }
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
