//! Mutations, events and the board they build.
//!
//! A client sends an [`Envelope`] (a [`Mutation`] with who, which role, which device, when, and a
//! client mutation id). [`Board::decide`] checks it against the SOP and the card's state and yields
//! one [`Change`], or a [`Refusal`] that says why in words. The change, stamped with the same
//! metadata, is an [`Event`]; [`Board::apply`] folds events into the board, deterministically.
//! The browser runs `decide` + `apply` optimistically; the server runs the same code to accept or
//! refuse, stores the event with a sequence number, and every board is a fold over that log.

mod board;
mod card;
mod event;
mod ids;
mod mutation;
mod output;
mod refusal;

pub use board::*;
pub use card::*;
pub use event::*;
pub use ids::*;
pub use mutation::*;
pub use output::*;
pub use refusal::*;

#[cfg(test)]
pub(crate) mod tests;
