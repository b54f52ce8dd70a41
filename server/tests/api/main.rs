//! The server's integration tests, in one binary (one link of the whole server, not one per
//! file): each module starts real servers (`helpers`) on a real SQLite file or the real PostgreSQL.

#[macro_use]
mod helpers;

mod accounts;
mod authz;
mod cameras;
mod channels;
mod hardening;
mod login;
mod notify;
mod pages;
mod process;
mod records;
mod reports;
mod sync;
mod tracking;
