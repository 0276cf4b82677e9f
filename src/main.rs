//! `passerelle`: the command line of the marketplace server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use passerelle_server::{Application, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle: skills and training marketplace for digital clusters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve the GraphQL API until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Rebuild the search index from the database into a new folder and switch to it; a
    /// server running on the same data directory keeps serving and switches within seconds.
    Reindex(DatabaseArgs),
    /// Print the GraphQL schema (SDL); schema.graphql at the repository root is this output.
    ExportSchema,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Folder for the SQLite database, the search index and keys.
    #[arg(long, env = "PASSERELLE_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER@HOST/DATABASE; default: a SQLite file in the data dir.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PASSERELLE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Load the demo catalogue into an empty database, with a trainer and a company account.
    #[arg(long, env = "PASSERELLE_DEMO")]
    demo: bool,
    /// Secret (at least 32 bytes) signing access tokens; every node of a cluster needs the same.
    #[arg(long, env = "PASSERELLE_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// File of base64url signing keys, newest first (used when no secret is given).
    #[arg(long, env = "PASSERELLE_JWT_KEY_FILE")]
    jwt_key_file: Option<PathBuf>,
    /// Origins whose browser pages may call the API (comma-separated); default: any origin.
    #[arg(
        long = "cors-origin",
        env = "PASSERELLE_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Milliseconds a query may run before it is stopped with a TIMEOUT error.
    #[arg(long, env = "PASSERELLE_QUERY_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    query_timeout_ms: u64,
    /// Cost units each client (signed-in user, else address) may spend per minute; 0: no limit.
    #[arg(long, env = "PASSERELLE_COST_PER_MINUTE", default_value_t = passerelle_server::DEFAULT_COST_PER_MINUTE)]
    cost_per_minute: u32,
    /// Sign-in and registration attempts per address and minute; 0: no limit.
    #[arg(long, env = "PASSERELLE_SIGN_INS_PER_MINUTE", default_value_t = passerelle_server::DEFAULT_SIGN_INS_PER_MINUTE)]
    sign_ins_per_minute: u32,
    /// Read the client's address from the last `X-Forwarded-For` entry (behind a proxy only).
    #[arg(long, env = "PASSERELLE_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
}

fn init_logging() {
    let filter = passerelle_server::tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| {
            passerelle_server::tracing_subscriber::EnvFilter::new(
                "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,tantivy=warn",
            )
        });
    // Colours only for a person at a terminal, not in files or pipes.
    let builder = passerelle_server::tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if std::env::var("PASSERELLE_LOG_FORMAT").is_ok_and(|format| format == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Completes on SIGINT or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled: a signal arriving right after "listening on" must already
/// mean a graceful stop, not the default of dying at once.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = interrupted => {},
                () = terminated => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        passerelle_server::tracing::info!("shutting down: finishing requests in flight");
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let settings = Settings {
        listen: args.listen,
        data_dir: args.database.data_dir,
        database_url: args.database.database_url,
        demo: args.demo,
        jwt_secret: args.jwt_secret,
        jwt_key_file: args.jwt_key_file,
        cors_origins: args.cors_origins,
        query_timeout: std::time::Duration::from_millis(args.query_timeout_ms),
        cost_per_minute: args.cost_per_minute,
        sign_ins_per_minute: args.sign_ins_per_minute,
        trust_forwarded_for: args.trust_forwarded_for,
    };
    let application = Application::build(settings)
        .await
        .map_err(|error| error.to_string())?;
    if let Some(demo) = application.demo_summary() {
        passerelle_server::tracing::info!(
            organisations = demo.organisations,
            training_offers = demo.training_offers,
            training_sessions = demo.training_sessions,
            skill_profiles = demo.skill_profiles,
            "demo catalogue loaded"
        );
    }
    let address = application.address();
    if !application.demo_accounts().is_empty() {
        println!("Demo accounts (sign in with the login mutation at http://{address}/graphql):");
        for account in application.demo_accounts() {
            println!(
                "  {:<8} {}  password: {}  ({})",
                account.role, account.email, account.password, account.organisation
            );
        }
    }
    let shutdown = shutdown_signal();
    passerelle_server::tracing::info!(
        "listening on http://{address} (GraphQL and GraphiQL at http://{address}/graphql)"
    );
    application
        .run_until(shutdown)
        .await
        .map_err(|error| format!("server stopped: {error}"))
}

async fn migrate(args: DatabaseArgs) -> Result<(), String> {
    let store = passerelle_server::open_store(&args.data_dir, args.database_url.as_deref())
        .await
        .map_err(|error| error.to_string())?;
    store.close().await.map_err(|error| error.to_string())
}

async fn reindex(args: DatabaseArgs) -> Result<(), String> {
    let documents = passerelle_server::reindex(&args.data_dir, args.database_url.as_deref())
        .await
        .map_err(|error| error.to_string())?;
    println!("search index rebuilt: {documents} documents");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Reindex(args) => reindex(args).await,
        Command::ExportSchema => {
            print!("{}", passerelle_server::export_schema());
            Ok(())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("passerelle: {message}");
            ExitCode::FAILURE
        }
    }
}
