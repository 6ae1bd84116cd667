//! Settings of one `analyze` run, resolved once: the flags as typed
//! (`AnalyzeArgs`), the configuration file (`--config`, else
//! `./callscope.toml`), the input profile (`--profile` over the file's) and
//! the environment (API keys, whether stderr is a terminal). Everything
//! below this layer receives resolved values and never looks at flags.

use std::env::VarError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::analyze::llm::{LlmError, ProviderKind, ProviderOptions};
use crate::config::Config;
use crate::engine::EngineOptions;
use crate::export::Transcripts;
use crate::input::InputSpec;
use crate::run::progress::ProgressMode;
use crate::run::publish::{Format, Outputs};

use super::batch::BatchMode;

/// The `analyze` flags as typed on the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzeArgs {
    /// The export to analyse: .csv, .tsv, .txt, .xlsx, .jsonl; or a folder of
    /// files one per call (.vtt, .srt, speech-to-text .json, .txt), or one such file.
    pub input: PathBuf,
    /// Per-call metadata table (CRM export) joined by call id to an utterance
    /// table or a folder of call files.
    #[arg(long)]
    pub calls: Option<PathBuf>,
    /// Built-in input profile: generic, vici-lgs-omc, custom (overrides the config).
    #[arg(long)]
    pub profile: Option<String>,
    /// Configuration file (default: ./callscope.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output folder for the database, report and exports.
    #[arg(long, default_value = "callscope-out")]
    pub out: PathBuf,
    /// Analyse at most this many calls.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub outputs: OutputArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}

/// The output flags, shared by `analyze` and `report`.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Files to write, comma-separated (default: all): md, html, docx, csv, jsonl, parquet, scorecard.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub formats: Vec<Format>,
    /// Put each call's transcript in insights.jsonl (it then reads back as input).
    #[arg(long)]
    pub jsonl_transcripts: bool,
}

impl OutputArgs {
    /// The outputs asked for: every format when none is named.
    pub fn resolve(&self) -> Outputs {
        let mut formats = if self.formats.is_empty() {
            Format::ALL.to_vec()
        } else {
            self.formats.clone()
        };
        formats.sort();
        formats.dedup();
        Outputs {
            formats,
            transcripts: if self.jsonl_transcripts {
                Transcripts::Included
            } else {
                Transcripts::Omitted
            },
        }
    }
}

/// The LLM flags; without `--provider` the offline heuristic analyzer runs.
#[derive(Debug, Clone, clap::Args)]
pub struct LlmArgs {
    /// Judge every call with an LLM (keys from GEMINI_API_KEY / OPENAI_API_KEY).
    #[arg(long, value_enum)]
    pub provider: Option<ProviderKind>,
    /// Model (default: gemini-2.5-flash, gpt-4o-mini, llama3.1).
    #[arg(long, requires = "provider")]
    pub model: Option<String>,
    /// Provider address: gemini scheme+host, openai API root with /v1, ollama host.
    #[arg(long, requires = "provider")]
    pub base_url: Option<String>,
    /// Most requests in flight; below it concurrency follows rate × latency.
    #[arg(long, default_value_t = EngineOptions::DEFAULT_MAX_CONCURRENCY, requires = "provider")]
    pub max_concurrency: usize,
    /// Requests per minute allowed by your plan.
    #[arg(long, requires = "provider")]
    pub rpm: Option<u32>,
    /// Tokens per minute allowed by your plan.
    #[arg(long, requires = "provider")]
    pub tpm: Option<u64>,
    /// Stop starting calls before the estimated spend would cross this.
    #[arg(long, requires = "provider")]
    pub budget_usd: Option<f64>,
    /// Print calls, estimated tokens and cost; send nothing.
    #[arg(long, requires = "provider")]
    pub dry_run: bool,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 120.0, requires = "provider")]
    pub timeout_s: f64,
    /// Send through the provider's batch API at half price (answers within
    /// 24 h), then return; the same command again collects the answers.
    #[arg(long, requires = "provider", conflicts_with = "dry_run")]
    pub batch: bool,
    /// With --batch: poll until every batch has ended, storing its answers.
    #[arg(long, requires = "batch")]
    pub wait: bool,
    /// With --batch --wait: first wait between polls in seconds (doubling
    /// up to ten minutes).
    #[arg(long, default_value_t = 30.0, requires = "batch")]
    pub batch_poll_s: f64,
}

/// Everything one `analyze` run needs to know, resolved.
pub struct Settings {
    pub input: InputSpec,
    pub out: PathBuf,
    pub limit: Option<u64>,
    pub quiet: bool,
    pub progress: ProgressMode,
    pub outputs: Outputs,
    pub config: Config,
    /// `None`: the offline heuristic analyzer.
    pub llm: Option<LlmSettings>,
}

/// How to reach the LLM and how hard to drive it. Not `Debug`: it holds the
/// API key.
pub struct LlmSettings {
    pub provider: ProviderOptions,
    /// From the provider's environment variable; only ever sent in a header.
    pub api_key: Option<String>,
    pub engine: EngineOptions,
    pub dry_run: bool,
    /// `--batch`: through the provider's batch API instead of streaming.
    pub batch: Option<BatchMode>,
}

impl Settings {
    /// Resolves the flags against the configuration file, the profile and
    /// the environment (`env` looks a variable up, as `std::env::var`).
    pub fn resolve(
        args: AnalyzeArgs,
        env: impl Fn(&str) -> Result<String, VarError>,
    ) -> Result<Settings> {
        let config = load_config(args.config.as_deref(), args.profile.as_deref())?;
        let api_key = args
            .llm
            .provider
            .map(|kind| api_key(kind, &env))
            .transpose()?
            .flatten();
        let llm = args.llm.provider.map(|kind| LlmSettings {
            provider: ProviderOptions {
                model: args.llm.model.clone(),
                base_url: args.llm.base_url.clone(),
                timeout: Duration::from_secs_f64(args.llm.timeout_s.max(0.1)),
                dry_run: args.llm.dry_run,
                ..ProviderOptions::new(kind)
            },
            api_key,
            engine: EngineOptions {
                rpm: args.llm.rpm,
                tpm: args.llm.tpm,
                budget_usd: args.llm.budget_usd,
                ..EngineOptions::with_max_concurrency(args.llm.max_concurrency)
            },
            dry_run: args.llm.dry_run,
            batch: args.llm.batch.then(|| BatchMode {
                wait: args.llm.wait,
                first_poll: Duration::from_secs_f64(args.llm.batch_poll_s.clamp(0.01, 600.0)),
            }),
        });
        Ok(Settings {
            input: InputSpec {
                path: args.input,
                calls_meta: args.calls,
            },
            out: args.out,
            limit: args.limit,
            quiet: args.quiet,
            progress: match (args.quiet, std::io::stderr().is_terminal()) {
                (true, _) => ProgressMode::Hidden,
                (false, true) => ProgressMode::Bar,
                (false, false) => ProgressMode::Lines,
            },
            outputs: args.outputs.resolve(),
            config,
            llm,
        })
    }
}

/// The provider's API key from its environment variable (none for a local
/// provider); a value that is not UTF-8 is an error naming the variable.
fn api_key(
    kind: ProviderKind,
    env: impl Fn(&str) -> Result<String, VarError>,
) -> Result<Option<String>> {
    let Some(var) = kind.key_var() else {
        return Ok(None);
    };
    match env(var) {
        Ok(key) => Ok(Some(key)),
        Err(VarError::NotPresent) => Ok(None),
        Err(VarError::NotUnicode(_)) => {
            let problem = "is not valid UTF-8".to_string();
            Err(anyhow::Error::new(LlmError::MalformedKey { var, problem })
                .context(format!("cannot use provider {}", kind.as_str())))
        }
    }
}

/// `--config`, else `./callscope.toml` when present, else the defaults; then
/// `--profile` on top.
fn load_config(path: Option<&Path>, profile: Option<&str>) -> Result<Config> {
    let default_path = Path::new("callscope.toml");
    let mut config = match path {
        Some(p) => Config::load(p)?,
        None if default_path.is_file() => Config::load(default_path)?,
        None => Config::default(),
    };
    if let Some(profile) = profile {
        config.input.profile = profile.parse().map_err(anyhow::Error::msg)?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: AnalyzeArgs,
    }

    fn resolve(flags: &[&str], env: impl Fn(&str) -> Result<String, VarError>) -> Settings {
        let argv = ["callscope", "calls.csv"].iter().chain(flags);
        Settings::resolve(Cli::parse_from(argv).args, env).expect("resolves")
    }

    #[test]
    fn flags_profile_and_environment_resolve_in_one_place() {
        let settings = resolve(
            &[
                "--provider",
                "openai",
                "--profile",
                "vici-lgs-omc",
                "--rpm",
                "600",
            ],
            |var| match var {
                "OPENAI_API_KEY" => Ok("sk-from-env".into()),
                _ => Err(VarError::NotPresent),
            },
        );
        assert_eq!(settings.config.input.profile.to_string(), "vici-lgs-omc");
        let llm = settings.llm.expect("an LLM run");
        assert_eq!(llm.api_key.as_deref(), Some("sk-from-env"));
        assert_eq!(llm.engine.rpm, Some(600));
        assert_eq!(
            llm.engine.max_concurrency,
            EngineOptions::DEFAULT_MAX_CONCURRENCY
        );
        assert!(resolve(&[], |_| Err(VarError::NotPresent)).llm.is_none());
    }

    #[test]
    fn the_concurrency_ceiling_is_at_least_one() {
        let ceiling = |n: &str| {
            let llm = resolve(&["--provider", "ollama", "--max-concurrency", n], |_| {
                Err(VarError::NotPresent)
            })
            .llm
            .expect("an LLM run");
            llm.engine.max_concurrency
        };
        assert_eq!(ceiling("0"), 1);
        assert_eq!(ceiling("500"), 500);
    }
}
