//! The simulator's P2P orders behind the signed "P2P Account Read" calls: one order's details
//! (`GET /api/v3/fiat/order/detail?advOrderNo=…`) and the account's orders
//! (`GET /api/v3/fiat/market/order/paginationV2`), in the shape MEXC's P2P API pages document
//! (`{code, msg, data}`; amounts, `state`, `payTimeLimit`, `allowComplainTime`, `side`,
//! `userInfo.nickName`…). A switch refuses both as an API key without the permission would be.

use crate::http::json_response as answer;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

/// One order as the simulator keeps it. `side` is the API key owner's side ("SELL": the
/// trader sells the coin); `state` is MEXC's name (`NOT_PAID`, `PAID`, `DONE`, `CANCEL`,
/// `TIMEOUT`, or an appeal state).
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrder {
    pub order_no: String,
    pub side: String,
    pub coin: String,
    pub quantity: String,
    pub price: String,
    pub fiat_total: String,
    pub fiat: String,
    pub payment_method: String,
    pub counterparty: String,
    pub state: String,
    /// ms since the epoch.
    pub pay_deadline_ms: i64,
    pub appeal_from_ms: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl SimOrder {
    fn json(&self) -> Value {
        let payment = json!({"id": 1, "payMethod": 3, "bankName": self.payment_method,
                             "account": "DE89 **** 3000", "payee": "Trader"});
        json!({
            "advNo": format!("ad-{}", self.order_no), "advOrderNo": self.order_no,
            "tradableQuantity": self.quantity.parse::<f64>().map(Value::from).unwrap_or_else(|_| Value::from(self.quantity.clone())),
            "price": self.price, "amount": self.fiat_total, "coinName": self.coin,
            "state": self.state, "payTimeLimit": self.pay_deadline_ms,
            "allowComplainTime": self.appeal_from_ms, "side": self.side, "fiatUnit": self.fiat,
            "createTime": self.created_ms, "updateTime": self.updated_ms,
            "paymentInfo": [payment.clone()],
            "confirmPaymentInfo": if self.state == "NOT_PAID" { Value::Null } else { payment },
            "userInfo": {"nickName": self.counterparty, "imId": format!("im-{}", self.order_no),
                         "memberId": format!("m-{}", self.order_no), "merchant": false,
                         "kycLevel": "ADVANCED", "realName": "(hidden)"}
        })
    }
}

/// What an API key without "P2P Account Read" is answered (spot's code for a missing permission).
fn no_permission() -> Response {
    answer(
        StatusCode::FORBIDDEN,
        json!({"code": 700007, "msg": "No permission to access the endpoint."}),
    )
}

/// `order/detail?advOrderNo=…`.
pub(super) fn detail(orders: &[SimOrder], order_no: &str, allowed: bool) -> Response {
    if !allowed {
        return no_permission();
    }
    match orders.iter().find(|o| o.order_no == order_no) {
        Some(order) => answer(
            StatusCode::OK,
            json!({"code": 0, "msg": "success", "data": order.json()}),
        ),
        None => answer(
            StatusCode::OK,
            json!({"code": 20001, "msg": "order does not exist", "data": null}),
        ),
    }
}

/// `market/order/paginationV2`: newest first, at most `limit`.
pub(super) fn list(orders: &[SimOrder], limit: usize, allowed: bool) -> Response {
    if !allowed {
        return no_permission();
    }
    let mut newest: Vec<&SimOrder> = orders.iter().collect();
    newest.sort_by_key(|o| std::cmp::Reverse(o.created_ms));
    let page: Vec<Value> = newest
        .into_iter()
        .take(limit.clamp(1, 100))
        .map(SimOrder::json)
        .collect();
    answer(
        StatusCode::OK,
        json!({"code": 0, "msg": "success", "data": page}),
    )
}
