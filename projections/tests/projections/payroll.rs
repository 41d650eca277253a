//! The payroll deduction basis and the invoice basis, priced by the domain's billing function
//! from the billing read model, and a rebuild that swaps in while the projector and writers run.

use std::sync::Arc;
use std::time::Duration;

use bedrift_domain::company::OrderForm;
use bedrift_domain::company::{CompanyCommand, EmployerContribution, OrderingPolicy};
use bedrift_domain::subscription::{
    CancelAt, EmployeeDetails, SubscriptionCommand, ZoneChangeFrom,
};
use bedrift_domain::values::{EmployeeNumber, Money, Month, PersonName};
use bedrift_projections::queries::{invoice_basis, payroll_basis, BillingStates};
use bedrift_projections::rebuild::rebuild;
use bedrift_projections::{Projector, ProjectorSettings, ReadModel};
use bedrift_store::testing::TestDatabase;
use tokio::sync::oneshot;

use crate::support::{
    admin, date, differences_from_rebuild, no_differences, project_all, system,
    wait_until_projected, zones, Rng, World,
};

fn kroner(kr: i64) -> Money {
    Money::from_ore(kr * 100).unwrap()
}

#[tokio::test]
async fn the_payroll_basis_lists_each_charged_subscription_with_price_contribution_and_deduction() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), "2026-11-10").await;
    let company = world
        .register_company(0, OrderingPolicy::ApprovalRequired)
        .await;
    let other = world
        .register_company(1, OrderingPolicy::AutomaticApproval)
        .await;
    world
        .companies
        .execute(
            &company.to_string(),
            CompanyCommand::SetEmployerContribution {
                contribution: EmployerContribution::Percent { percent: 25 },
                by: admin(),
            },
            &system(),
        )
        .await
        .unwrap();
    // Adult one zone (750), approved; young adult (phone 1) two zones (700), approved and then
    // changed to one zone from January; a third one stays pending; one at the other company.
    let adult = world
        .order(company, 0, 0, OrderingPolicy::ApprovalRequired)
        .await
        .unwrap();
    let young = world
        .order(company, 1, 2, OrderingPolicy::ApprovalRequired)
        .await
        .unwrap();
    world
        .order(company, 2, 0, OrderingPolicy::ApprovalRequired)
        .await
        .unwrap();
    world
        .order(other, 3, 0, OrderingPolicy::AutomaticApproval)
        .await
        .unwrap();
    for id in [adult, young] {
        world
            .subscriptions
            .execute(
                &id.to_string(),
                SubscriptionCommand::Approve { by: admin() },
                &system(),
            )
            .await
            .unwrap();
    }
    world.set_day(date("2026-12-15"));
    world
        .subscriptions
        .execute(
            &young.to_string(),
            SubscriptionCommand::ChangeZones {
                zones: zones(0),
                from: ZoneChangeFrom::NextMonth,
                by: admin(),
                policy: OrderingPolicy::ApprovalRequired,
            },
            &system(),
        )
        .await
        .unwrap();
    world
        .subscriptions
        .execute(
            &adult.to_string(),
            SubscriptionCommand::Cancel {
                at: CancelAt::EndOfMonth,
                by: admin(),
            },
            &system(),
        )
        .await
        .unwrap();
    project_all(&pool, 3).await;

    let today = date("2026-12-15");
    let held = BillingStates::default();
    let december = payroll_basis(
        &pool,
        &held,
        company,
        Month::parse("2026-12").unwrap(),
        today,
    )
    .await
    .unwrap();
    assert!(december.preliminary);
    let lines: Vec<(String, Money, Money, Money)> = december
        .lines
        .iter()
        .map(|l| {
            (
                l.first_name.clone(),
                l.charge.price,
                l.charge.employer_contribution,
                l.charge.deduction,
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("Ola".to_owned(), kroner(700), kroner(175), kroner(525)),
            (
                "Kari".to_owned(),
                kroner(750),
                Money::from_ore(18_750).unwrap(),
                Money::from_ore(56_250).unwrap()
            ),
        ]
    );
    assert_eq!(december.totals.subscriptions, 2);
    assert_eq!(december.totals.price, kroner(1_450));
    assert_eq!(
        december.totals.deduction,
        Money::from_ore(52_500 + 56_250).unwrap()
    );

    let january = payroll_basis(
        &pool,
        &held,
        company,
        Month::parse("2027-01").unwrap(),
        today,
    )
    .await
    .unwrap();
    assert_eq!(
        january.lines.len(),
        1,
        "the cancelled ticket ends in December"
    );
    assert_eq!(
        january.lines[0].charge.price,
        kroner(500),
        "one zone for a young adult from January"
    );
    let november = payroll_basis(
        &pool,
        &held,
        company,
        Month::parse("2026-11").unwrap(),
        today,
    )
    .await
    .unwrap();
    assert!(november.lines.is_empty() && !november.preliminary);

    let invoice = invoice_basis(&pool, &held, None, Month::parse("2026-12").unwrap(), today)
        .await
        .unwrap();
    assert_eq!(invoice.companies.len(), 2);
    assert_eq!(invoice.totals.subscriptions, 3);
    assert_eq!(invoice.totals.price, kroner(1_450) + kroner(375));
}

#[tokio::test]
async fn a_basis_asked_for_again_shows_what_changed_since_it_was_last_read() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), "2026-11-10").await;
    let company = world
        .register_company(0, OrderingPolicy::AutomaticApproval)
        .await;
    let kari = world
        .order(company, 0, 0, OrderingPolicy::AutomaticApproval)
        .await
        .unwrap();
    world
        .order(company, 1, 0, OrderingPolicy::AutomaticApproval)
        .await
        .unwrap();
    project_all(&pool, 3).await;
    let today = date("2026-11-20");
    let december = Month::parse("2026-12").unwrap();
    let held = BillingStates::default();
    let first = payroll_basis(&pool, &held, company, december, today)
        .await
        .unwrap();
    let names = |basis: &bedrift_projections::queries::PayrollBasis| -> Vec<String> {
        basis.lines.iter().map(|l| l.first_name.clone()).collect()
    };
    assert_eq!(names(&first), ["Ola", "Kari"]);

    // One holder's name is corrected, a third employee orders, and the basis is asked again.
    let corrected = EmployeeDetails {
        first_name: PersonName::parse("Karianne").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: Some(EmployeeNumber::parse("E0").unwrap()),
        extra_fields: Default::default(),
    };
    world
        .subscriptions
        .execute(
            &kari.to_string(),
            SubscriptionCommand::UpdateEmployeeDetails {
                details: corrected,
                form: OrderForm::standard(),
                by: admin(),
            },
            &system(),
        )
        .await
        .unwrap();
    world
        .order(company, 2, 0, OrderingPolicy::AutomaticApproval)
        .await
        .unwrap();
    project_all(&pool, 3).await;
    let again = payroll_basis(&pool, &held, company, december, today)
        .await
        .unwrap();
    assert_eq!(names(&again), ["Åse", "Ola", "Karianne"]);
    let afresh = payroll_basis(&pool, &BillingStates::default(), company, december, today)
        .await
        .unwrap();
    assert_eq!(again, afresh, "what was held answers as a fresh read does");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rebuild_swaps_in_while_the_projector_and_writers_run() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), "2026-11-10").await;
    for n in 0..3 {
        world
            .register_company(n, OrderingPolicy::ApprovalRequired)
            .await;
    }
    let mut rng = Rng::new(99);
    for _ in 0..300 {
        world.random_command(&mut rng).await;
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let projector = tokio::spawn(
        Projector::new(
            pool.clone(),
            ProjectorSettings {
                batch_size: 20,
                poll_interval: Duration::from_millis(50),
                ..ProjectorSettings::default()
            },
        )
        .run(async {
            let _ = stopped.await;
        }),
    );
    wait_until_projected(&pool).await;
    let tickets_before: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();

    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let world = Arc::clone(&world);
            tokio::spawn(async move {
                let mut rng = Rng::new(1_000 + writer);
                for _ in 0..60 {
                    world.random_command(&mut rng).await;
                }
            })
        })
        .collect();
    let reader = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut smallest = i64::MAX;
            for _ in 0..200 {
                let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                smallest = smallest.min(count);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            smallest
        })
    };
    let report = rebuild(&pool, &ReadModel::ALL, &mut |_| {}).await.unwrap();
    assert!(report.events > 0);
    for writer in writers {
        writer.await.unwrap();
    }
    let smallest_seen = reader.await.unwrap();
    assert!(
        smallest_seen >= tickets_before,
        "a reader saw a half-built table: {smallest_seen} < {tickets_before}"
    );

    wait_until_projected(&pool).await;
    stop.send(()).unwrap();
    projector.await.unwrap().unwrap();
    assert_eq!(differences_from_rebuild(&pool).await, no_differences());
}
