//! A Mixin bot's attachment upload against the simulator: `POST /attachments`, the bytes put at
//! the returned `upload_url` with the storage's headers, then viewable by id; an upload the
//! storage refuses fails with its status and can be tried again without creating a second copy.

use parley_core::account::MixinSettings;
use parley_core::services::mixin::keystore::Keystore;
use parley_core::services::mixin::rest::MixinRest;
use parley_sim::mixin::{MixinConfig, MixinSim};

async fn bot() -> (MixinSim, MixinRest) {
    let sim = MixinSim::start(MixinConfig::default())
        .await
        .expect("simulator starts");
    let keystore = sim.add_bot("Desk Bot");
    let settings = MixinSettings {
        bot_id: MixinSim::bot_id_of(&keystore),
        bot_name: String::new(),
        blaze_url: sim.blaze_url(),
        api_base: sim.api_base(),
    };
    let rest = MixinRest::new(&settings, Keystore::parse(&keystore).unwrap()).unwrap();
    (sim, rest)
}

#[tokio::test]
async fn an_uploaded_file_is_stored_once_and_served_by_its_attachment_id() {
    let (sim, rest) = bot().await;
    let bytes = b"%PDF-1.4 statement of order 1138745987".to_vec();
    let created = rest.create_attachment().await.unwrap();
    assert!(created.upload_url.starts_with("http://127.0.0.1:"));
    rest.upload(&created, bytes.clone(), &Default::default())
        .await
        .unwrap();

    assert_eq!(
        sim.uploaded(),
        vec![(created.attachment_id.clone(), bytes.clone())]
    );
    let view = rest.attachment_url(&created.attachment_id).await.unwrap();
    let served = reqwest::get(view).await.unwrap().bytes().await.unwrap();
    assert_eq!(served.as_ref(), bytes.as_slice());
    assert!(
        sim.rest_calls().contains(&"POST /attachments".to_owned()),
        "{:?}",
        sim.rest_calls()
    );
}

#[tokio::test]
async fn an_upload_the_storage_refuses_fails_with_its_status_and_the_retry_lands_once() {
    let (sim, rest) = bot().await;
    let created = rest.create_attachment().await.unwrap();
    sim.fail_uploads(1);
    let refused = rest
        .upload(&created, vec![1, 2, 3], &Default::default())
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(500));
    assert!(
        !refused.is_permanent(),
        "a storage hiccup is worth retrying"
    );
    assert!(refused.to_string().contains("HTTP 500"), "{refused}");
    assert!(sim.uploaded().is_empty());

    rest.upload(&created, vec![1, 2, 3], &Default::default())
        .await
        .unwrap();
    assert_eq!(sim.uploaded(), vec![(created.attachment_id, vec![1, 2, 3])]);
}
