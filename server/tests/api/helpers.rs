//! The tests' helpers: the server's own test support ([`pantau::testing`]), and a way to run one
//! test on both databases.

pub use pantau::testing::*;

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(pantau::testing::TestServer::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(server) = pantau::testing::TestServer::postgres().await else { return };
                super::$name(server).await;
            }
        }
    )*};
}
