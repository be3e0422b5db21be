//! What an order chat is called: "Sell 1,000 USDT · bob" (the user's side, the amount, the
//! counterparty), so a trader tells thirty chats apart without opening them. The order number
//! stays in the order panel, copyable.

use super::OrderDetails;

/// Longest counterparty nickname kept in a title (names come from the exchange's users).
const NAME_CHARS: usize = 40;

/// "Sell 1,000 USDT · bob"; "Buy 0.015 BTC · order 42" when the counterparty is not known.
pub fn room_title(order: &OrderDetails) -> String {
    let who = order
        .counterparty
        .as_deref()
        .map(clean_name)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("order {}", order.order_no));
    format!(
        "{} {} {} · {}",
        order.side.label(),
        group_digits(&order.quantity),
        clean_name(&order.coin),
        who
    )
}

/// A name as a title shows it: control characters dropped, at most [`NAME_CHARS`] characters.
fn clean_name(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_CHARS)
        .collect()
}

/// "1000" → "1,000", "1234567.50" → "1,234,567.5", "0.0100" → "0.01": thousands grouped, the
/// fraction without trailing zeros. Anything that is not a plain decimal is returned as sent.
pub fn group_digits(amount: &str) -> String {
    let amount = amount.trim();
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !plain {
        return amount.to_owned();
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::{OrderStatus, Side};

    fn order(quantity: &str, counterparty: Option<&str>) -> OrderDetails {
        OrderDetails {
            order_no: "1138745987".into(),
            side: Side::Sell,
            coin: "USDT".into(),
            quantity: quantity.into(),
            price: "0.92".into(),
            fiat_total: "920".into(),
            fiat: "EUR".into(),
            payment_method: None,
            counterparty: counterparty.map(str::to_owned),
            status: OrderStatus::Paid,
            status_raw: "PAID".into(),
            pay_deadline_ms: None,
            appeal_from_ms: None,
            created_ms: None,
            updated_ms: None,
        }
    }

    #[test]
    fn a_room_is_named_after_side_amount_and_counterparty() {
        assert_eq!(
            room_title(&order("1000", Some("Buyer (demo)"))),
            "Sell 1,000 USDT · Buyer (demo)"
        );
        assert_eq!(
            room_title(&order("1000", None)),
            "Sell 1,000 USDT · order 1138745987"
        );
        assert_eq!(
            room_title(&order("5", Some("  \u{1b}[31mevil\u{7}  "))),
            "Sell 5 USDT · [31mevil"
        );
        let long = "x".repeat(500);
        assert_eq!(
            room_title(&order("5", Some(&long))).chars().count(),
            14 + 40
        );
    }

    #[test]
    fn amounts_are_grouped_without_touching_their_digits() {
        assert_eq!(group_digits("1000"), "1,000");
        assert_eq!(group_digits("999"), "999");
        assert_eq!(group_digits("1234567.50"), "1,234,567.5");
        assert_eq!(group_digits("0.0100"), "0.01");
        assert_eq!(group_digits("007.000"), "7");
        assert_eq!(group_digits("-12345"), "-12,345");
        assert_eq!(group_digits("1e5"), "1e5");
        assert_eq!(group_digits(""), "");
        assert_eq!(group_digits("٣٤٥"), "٣٤٥");
    }
}
