//! The bots of the simulated mockly room: who they are and what they say when they answer.

/// A bot of the simulated room.
#[derive(Debug, Clone, Copy)]
pub struct Bot {
    pub id: &'static str,
    pub name: &'static str,
    pub avatar: &'static str,
}

pub const BOTS: [Bot; 3] = [
    Bot {
        id: "bot_ada",
        name: "Ada Bot",
        avatar: "https://mockly.me/static/avatars/ada.png",
    },
    Bot {
        id: "bot_grace",
        name: "Grace Bot",
        avatar: "https://mockly.me/static/avatars/grace.png",
    },
    Bot {
        id: "bot_linus",
        name: "Linus Bot",
        avatar: "https://mockly.me/static/avatars/linus.png",
    },
];

pub const BOT_REPLIES: [&str; 8] = [
    "Interesting point!",
    "I was just thinking the same thing.",
    "Has anyone tried the new release?",
    "Good morning, everyone!",
    "Could you say more about that?",
    "Ha, that made me smile.",
    "Agreed. Let's keep it going.",
    "Welcome! Make yourself at home.",
];
