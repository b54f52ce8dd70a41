use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    pantau::cli::Cli::parse().run().await
}
