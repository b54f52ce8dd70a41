#![recursion_limit = "256"]
//! The Pantau server: pages rendered by Leptos, the static site, the JSON API.
//! Split by capability; handlers are thin and call plain functions.

pub mod auth;
pub mod cameras;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod hardening;
pub mod health;
pub mod http;
pub mod limits;
pub mod notify;
pub mod plain;
pub mod records;
pub mod reports;
pub mod secrets;
pub mod serve;
pub mod site;
pub mod startup;
pub mod state;
pub mod sync;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod tracking;
