//! The GraphQL calls that the flow tests repeat: ordering, creating, deciding, changing zones,
//! cancelling, resuming, listing an employee's subscriptions, the payroll deduction basis, and
//! runners for tables of requests that must all be refused.

use serde_json::{json, Value};

use super::{code, TestApp, ORDER, PASSWORD};

/// The subscription fields the flow tests look at.
pub const SUBSCRIPTION: &str =
    "id status orderStatus startDate validFrom endDate zones zoneClass wholeRegion category rejectionReason";

/// Who sends a request in a table: nobody, or the holder of a session token.
pub type Token<'a> = Option<&'a str>;

impl TestApp {
    /// Logs an administrator or operator in again (their session lasts 12 hours).
    pub async fn log_in(&self, email: &str) -> String {
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": PASSWORD }),
            )
            .await;
        data["logIn"]["token"].as_str().unwrap().to_owned()
    }

    /// The logged-in employee orders `input`; returns the new subscription.
    pub async fn order(&self, employee: &str, input: Value) -> Value {
        let data = self
            .ok(Some(employee), ORDER, json!({ "input": input }))
            .await;
        data["orderSubscription"].clone()
    }

    /// An administrator creates an approved subscription for `phone`, from `start` (default:
    /// the first of next month).
    pub async fn create(
        &self,
        admin: &str,
        company: &str,
        phone: &str,
        input: Value,
        start: Option<&str>,
    ) -> Value {
        let query = format!(
            "mutation($c: ID!, $p: String!, $input: OrderInput!, $s: Date) {{
               createSubscription(companyId: $c, phone: $p, input: $input, startDate: $s) {{ {SUBSCRIPTION} }} }}"
        );
        let variables = json!({ "c": company, "p": phone, "input": input, "s": start });
        self.ok(Some(admin), &query, variables).await["createSubscription"].clone()
    }

    /// Runs a mutation `name(id: $id<arguments>)` as the holder of `token` and returns the
    /// subscription it answers with.
    pub async fn act(&self, token: &str, name: &str, id: &str, arguments: &str) -> Value {
        let query =
            format!("mutation($id: ID!) {{ {name}(id: $id{arguments}) {{ {SUBSCRIPTION} }} }}");
        self.ok(Some(token), &query, json!({ "id": id })).await[name].clone()
    }

    /// Approves a pending order.
    pub async fn approve(&self, admin: &str, id: &str) -> Value {
        self.act(admin, "approveSubscription", id, "").await
    }

    /// Rejects a pending order with `reason`.
    pub async fn reject(&self, admin: &str, id: &str, reason: &str) -> Value {
        let arguments = format!(", reason: {}", json!(reason));
        self.act(admin, "rejectSubscription", id, &arguments).await
    }

    /// Changes the zones (`[]` with `whole_region`) from `from` (`NEXT_MONTH`, `IMMEDIATELY`).
    pub async fn change_zones(&self, token: &str, id: &str, zones: &[&str], from: &str) -> Value {
        let arguments = format!(
            ", zones: {}, wholeRegion: {}, from: {from}",
            json!(zones),
            zones.is_empty()
        );
        self.act(token, "changeZones", id, &arguments).await
    }

    /// Cancels at `at` (`END_OF_MONTH`, `IMMEDIATELY`).
    pub async fn cancel(&self, token: &str, id: &str, at: &str) -> Value {
        let arguments = format!(", at: {at}");
        self.act(token, "cancelSubscription", id, &arguments).await
    }

    /// Undoes a cancellation.
    pub async fn resume(&self, token: &str, id: &str) -> Value {
        self.act(token, "resumeSubscription", id, "").await
    }

    /// The logged-in employee's subscriptions.
    pub async fn mine(&self, employee: &str) -> Vec<Value> {
        let query = format!("{{ mySubscriptions {{ {SUBSCRIPTION} }} }}");
        let data = self.ok(Some(employee), &query, json!({})).await;
        data["mySubscriptions"].as_array().unwrap().clone()
    }

    /// The approval queue's subscription ids, oldest first.
    pub async fn queue(&self, admin: &str, company: &str) -> Vec<String> {
        let query =
            "query($c: ID!) { company(id: $c) { approvalQueue { edges { node { id } } } } }";
        let data = self.ok(Some(admin), query, json!({ "c": company })).await;
        data["company"]["approvalQueue"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The payroll deduction basis of `month`.
    pub async fn payroll(&self, admin: &str, company: &str, month: &str) -> Payroll {
        let query = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) {
            month preliminary lines { subscriptionId firstName zones zoneClass category price deduction }
            totals { subscriptions price deduction } } } }";
        let data = self
            .ok(Some(admin), query, json!({ "c": company, "m": month }))
            .await;
        Payroll(data["company"]["payrollDeductionBasis"].clone())
    }

    /// Sends each request of `table` and checks that it is refused with one of `codes` and no
    /// data, and that the event log did not grow. Returns the responses.
    pub async fn assert_refused(
        &self,
        table: &[(Token<'_>, &str, Value)],
        codes: &[&str],
    ) -> Vec<Value> {
        let events = self.event_count().await;
        let mut responses = Vec::new();
        for (token, query, variables) in table {
            let response = self.gql(*token, query, variables.clone()).await;
            let got = code(&response);
            assert!(
                codes.contains(&got.as_str()),
                "{query} {variables}: expected one of {codes:?}, got {response:#}"
            );
            assert!(
                !holds_data(&response["data"]),
                "{query} leaked {response:#}"
            );
            responses.push(response);
        }
        assert_eq!(
            self.event_count().await,
            events,
            "the event log is unchanged"
        );
        responses
    }

    /// Sends each request of `table` and checks that it is refused with `BAD_USER_INPUT` on the
    /// named field (`"*"`: some field), never `INTERNAL`, and that nothing was written.
    pub async fn assert_bad_input(&self, table: &[(Token<'_>, &str, Value, &str)]) {
        let requests: Vec<_> = table
            .iter()
            .map(|(token, query, variables, _)| (*token, *query, variables.clone()))
            .collect();
        let responses = self.assert_refused(&requests, &["BAD_USER_INPUT"]).await;
        for ((_, query, variables, field), response) in table.iter().zip(responses) {
            let named = &response["errors"][0]["extensions"]["field"];
            assert!(
                named.is_string(),
                "{query} {variables}: no field in {response:#}"
            );
            if *field != "*" {
                assert_eq!(named, field, "{query} {variables}: {response:#}");
            }
        }
    }
}

/// Whether `data` holds anything but nulls (`{ "company": null }` holds nothing).
fn holds_data(data: &Value) -> bool {
    match data {
        Value::Null => false,
        Value::Object(fields) => fields.values().any(holds_data),
        Value::Array(items) => items.iter().any(holds_data),
        _ => true,
    }
}

/// A payroll deduction basis.
pub struct Payroll(pub Value);

impl Payroll {
    /// The (first name, zone class, price) of each line, by last and first name.
    pub fn lines(&self) -> Vec<(String, String, i64)> {
        self.0["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["firstName"].as_str().unwrap().to_owned(),
                    l["zoneClass"].as_str().unwrap().to_owned(),
                    l["price"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    /// The sum of the prices.
    pub fn total(&self) -> i64 {
        self.0["totals"]["price"].as_i64().unwrap()
    }

    /// Whether the month may still change.
    pub fn preliminary(&self) -> bool {
        self.0["preliminary"].as_bool().unwrap()
    }
}

/// A line as [`Payroll::lines`] gives it.
pub fn line(first: &str, class: &str, price: i64) -> (String, String, i64) {
    (first.to_owned(), class.to_owned(), price)
}
