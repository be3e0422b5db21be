//! The facts at the head of both transcripts: who exported what, when, and for an order chat
//! the order's details, as label and value pairs.

use super::contents::PackContents;
use super::time::readable;
use crate::orders::title::group_digits;

/// `(label, value)` pairs, in reading order.
pub(super) fn facts(contents: &PackContents) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        (
            "Room",
            format!("{} (id {})", contents.room.title, contents.room.id),
        ),
        (
            "Account",
            format!("{} (id {})", contents.account.name, contents.account.id),
        ),
        ("Service", contents.account.service.clone()),
        (
            "Exported",
            format!(
                "{} by Parley {}",
                readable(contents.exported_at_ms),
                contents.app_version
            ),
        ),
        ("Messages", contents.messages.len().to_string()),
    ];
    if let Some(order) = &contents.order {
        facts.extend([
            ("Order number", order.order_no.clone()),
            ("Side", order.side.label().to_owned()),
            (
                "Amount",
                format!("{} {}", group_digits(&order.quantity), order.coin),
            ),
            ("Price", format!("{} {}", order.price, order.fiat)),
            (
                "Fiat total",
                format!("{} {}", group_digits(&order.fiat_total), order.fiat),
            ),
            (
                "Status",
                format!("{} ({})", order.status.label(), order.status_raw),
            ),
        ]);
        if let Some(method) = &order.payment_method {
            facts.push(("Payment method", method.clone()));
        }
        if let Some(who) = &order.counterparty {
            facts.push(("Counterparty", who.clone()));
        }
        if let Some(at) = order.pay_deadline_ms {
            facts.push(("Payment deadline", readable(at)));
        }
        if let Some(at) = order.created_ms {
            facts.push(("Order created", readable(at)));
        }
    }
    if let Some(note) = &contents.order_note {
        facts.push(("Order details", note.clone()));
    }
    facts
}
