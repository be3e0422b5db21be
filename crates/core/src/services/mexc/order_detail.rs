//! Reading MEXC's order answers into [`OrderDetails`]: `GET /api/v3/fiat/order/detail` (one
//! order) and `GET /api/v3/fiat/market/order/paginationV2` (the account's orders), both
//! "P2P Account Read" (PROTOCOLS.md §2.1; field names from MEXC's P2P API pages, see
//! docs/PROTOCOL-NOTES.md). Lenient where the docs are thin: numbers as JSON numbers or
//! strings, times in ms as numbers or strings, the list as `data` or `data.list`.
//! Pure: JSON in, details out.

use crate::orders::{OrderDetails, OrderStatus, Side};
use serde_json::Value;

/// Longest text kept from any field (the answer comes from a server).
const FIELD_CHARS: usize = 200;

/// A field as text: strings as sent, numbers in their shortest form; `None` when absent or
/// empty.
fn text(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(FIELD_CHARS)
        .collect();
    (!clean.is_empty()).then_some(clean)
}

/// A time in ms since the epoch, as a number or a numeric string.
fn millis(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|ms| *ms > 0)
}

/// How a payment method reads: the bank's name, else "method N" (MEXC sends a type number
/// whose names are not published).
fn payment(info: &Value) -> Option<String> {
    text(&info["bankName"]).or_else(|| text(&info["payMethod"]).map(|m| format!("method {m}")))
}

/// One order, from the `data` object of the detail answer or an element of the list.
pub fn read_order(data: &Value, asked_order_no: Option<&str>) -> Option<OrderDetails> {
    if !data.is_object() {
        return None;
    }
    let order_no = text(&data["advOrderNo"]).or_else(|| asked_order_no.map(str::to_owned))?;
    let side = match text(&data["side"])?.to_ascii_uppercase().as_str() {
        "BUY" => Side::Buy,
        "SELL" => Side::Sell,
        _ => return None,
    };
    let status_raw = text(&data["state"]).unwrap_or_default();
    let chosen = payment(&data["confirmPaymentInfo"]);
    let offered = || {
        let methods: Vec<String> = data["paymentInfo"]
            .as_array()
            .map(|all| all.iter().filter_map(payment).collect())
            .unwrap_or_default();
        (!methods.is_empty()).then(|| methods.join(", "))
    };
    let counterparty =
        text(&data["userInfo"]["nickName"]).or_else(|| text(&data["merchantInfo"]["nickName"]));
    Some(OrderDetails {
        order_no,
        side,
        coin: text(&data["coinName"]).unwrap_or_default(),
        quantity: text(&data["tradableQuantity"]).unwrap_or_default(),
        price: text(&data["price"]).unwrap_or_default(),
        fiat_total: text(&data["amount"]).unwrap_or_default(),
        fiat: text(&data["fiatUnit"]).unwrap_or_default(),
        payment_method: chosen.or_else(offered),
        counterparty,
        status: OrderStatus::from_mexc(&status_raw),
        status_raw,
        pay_deadline_ms: millis(&data["payTimeLimit"]),
        appeal_from_ms: millis(&data["allowComplainTime"]),
        created_ms: millis(&data["createTime"]),
        updated_ms: millis(&data["updateTime"]),
    })
}

/// The orders of a list answer's `data` (an array, or an object holding one under `list`,
/// `records` or `data`); elements that are not orders are skipped.
pub fn read_order_list(data: &Value) -> Vec<OrderDetails> {
    let list = if data.is_array() {
        data
    } else {
        ["list", "records", "data"]
            .iter()
            .map(|k| &data[*k])
            .find(|v| v.is_array())
            .unwrap_or(&Value::Null)
    };
    list.as_array()
        .map(|all| all.iter().filter_map(|o| read_order(o, None)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The documented fields of an order detail (MEXC P2P "Get Order Detail").
    fn documented() -> Value {
        json!({
            "advNo": "A-77", "advOrderNo": "1138745987", "tradableQuantity": 1000,
            "price": "0.92", "amount": "920.00", "coinName": "USDT", "state": "PAID",
            "payTimeLimit": 1_800_000_900_000_i64, "allowComplainTime": "1800001800000",
            "side": "SELL", "fiatUnit": "EUR", "createTime": 1_800_000_000_000_i64,
            "updateTime": 1_800_000_300_000_i64,
            "paymentInfo": [{"id": 1, "payMethod": 3, "bankName": "SEPA"}, {"id": 2, "payMethod": 9}],
            "confirmPaymentInfo": {"id": 1, "payMethod": 3, "bankName": "SEPA Instant"},
            "userInfo": {"nickName": "bob_trader", "imId": "im-1", "memberId": "m-1", "realName": "Bob B."}
        })
    }

    #[test]
    fn a_documented_order_detail_is_read_whole() {
        let order = read_order(&documented(), Some("1138745987")).unwrap();
        assert_eq!(order.order_no, "1138745987");
        assert_eq!(order.side, Side::Sell);
        assert_eq!(
            (order.quantity.as_str(), order.coin.as_str()),
            ("1000", "USDT")
        );
        assert_eq!(order.price, "0.92");
        assert_eq!(
            (order.fiat_total.as_str(), order.fiat.as_str()),
            ("920.00", "EUR")
        );
        assert_eq!(order.payment_method.as_deref(), Some("SEPA Instant"));
        assert_eq!(order.counterparty.as_deref(), Some("bob_trader"));
        assert_eq!(order.status, OrderStatus::Paid);
        assert_eq!(order.status_raw, "PAID");
        assert_eq!(order.pay_deadline_ms, Some(1_800_000_900_000));
        assert_eq!(order.appeal_from_ms, Some(1_800_001_800_000));
        assert_eq!(order.created_ms, Some(1_800_000_000_000));
    }

    #[test]
    fn missing_or_odd_fields_degrade_instead_of_failing() {
        let mut data = documented();
        data["confirmPaymentInfo"] = Value::Null;
        data["userInfo"] = Value::Null;
        data["merchantInfo"] = json!({"nickName": "MegaDesk"});
        data["payTimeLimit"] = json!("soon");
        data["advOrderNo"] = Value::Null;
        let order = read_order(&data, Some("42")).unwrap();
        assert_eq!(order.order_no, "42");
        assert_eq!(order.payment_method.as_deref(), Some("SEPA, method 9"));
        assert_eq!(order.counterparty.as_deref(), Some("MegaDesk"));
        assert_eq!(order.pay_deadline_ms, None);
        // Without a side there is no telling who pays: not an order.
        data["side"] = json!("SIDEWAYS");
        assert_eq!(read_order(&data, Some("42")), None);
        assert_eq!(read_order(&json!("PAID"), Some("42")), None);
    }

    #[test]
    fn hostile_text_is_cut_and_stripped_of_control_characters() {
        let mut data = documented();
        data["userInfo"]["nickName"] = json!(format!("\u{1b}[2J{}", "n".repeat(10_000)));
        let order = read_order(&data, None).unwrap();
        let name = order.counterparty.unwrap();
        assert!(!name.contains('\u{1b}'));
        assert_eq!(name.chars().count(), FIELD_CHARS);
    }

    #[test]
    fn a_list_is_read_from_data_or_data_list() {
        let one = documented();
        assert_eq!(read_order_list(&json!([one.clone(), 5])).len(), 1);
        assert_eq!(
            read_order_list(&json!({"list": [one.clone(), one]})).len(),
            2
        );
        assert!(read_order_list(&json!({"total": 0})).is_empty());
    }
}
