//! P2P orders as a trader sees them, whatever exchange they come from: the details of one
//! order ([`OrderDetails`]), what its status means ([`OrderStatus`]), whose move it is and how
//! close its deadline is ([`turn`], pure functions of the order and a clock the caller gives),
//! the name its chat gets ([`title`]) and the latest details known for each order chat
//! ([`OrderBook`]). An exchange's own answers are read into these types in its service folder
//! (MEXC: `services/mexc/order_detail.rs`).

mod book;
mod details;
mod status;
pub mod title;
pub mod turn;
mod view;

pub use book::{OrderBook, OrderEntry, Unavailable};
pub use details::{OrderDetails, Side};
pub use status::OrderStatus;
pub use view::OrderView;
