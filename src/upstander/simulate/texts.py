"""Message texts for work devices: routine professional messages, and the drift the APSP case studies describe.

The escalation stages follow the seeds: professional contact, then friendly chat, then compliments and
kisses ("X" after a crime reference number, APSP case study 2), then moving to personal channels and
asking for secrecy (APSP 8: "best she did not mention to anyone"; corruption 4: "delete it after").
Written for this project; no text is taken from a real case.
"""

from __future__ import annotations

import numpy as np

PROFESSIONAL = (
    "Hello, this is {officer} from {force}. I am the officer dealing with your report {ref}. "
    "Please call me back when convenient.",
    "Update on {ref}: the suspect has been interviewed and released under investigation. I will keep you informed.",
    "Hi, {officer} here. Just confirming your statement appointment tomorrow at 10:00 at {station} station.",
    "Your crime reference is {ref}. If anything else happens please call 999 in an emergency or 101.",
    "Following our conversation, the referral to the independent domestic violence adviser has been made.",
    "This is {officer}. The case file for {ref} has gone to the CPS for a charging decision.",
    "Hello, it's {officer}. I've arranged for the property to be returned; you can collect it from {station}.",
    "Reminder: the safety plan we discussed is in the leaflet. Support services are available 24 hours.",
    "Hi, this is {officer}. I'm closing {ref} today as discussed. Thank you for your help.",
)
NEIGHBOURHOOD = (
    "Hi, {officer} from the neighbourhood team. We'll have extra patrols on the estate this weekend.",
    "Thanks for reporting the bikes. We've passed the footage to the investigating team.",
    "Neighbourhood surgery this Thursday 6pm at the community centre if you want to raise it in person.",
    "Hi, it's {officer}. Spoke to the housing officer about the noise complaints, will update next week.",
    "The parking issue outside the school is on the priorities list for the ward panel.",
)
COLLEAGUE = (
    "On my way back to {station}.",
    "Can you cover the briefing at 3?",
    "Statement's on the system now.",
    "Running late, stuck at the hospital with a prisoner.",
    "Custody is full, heading to the other suite.",
    "Did the sergeant sign off the file?",
    "Meet you at the van in 10.",
)
FRIENDLY = (
    "Hope you're feeling a bit better today",
    "Just checking you got home ok",
    "Was nice chatting earlier, you made my shift",
    "How was your weekend?",
    "Let me know if you need anything at all, I mean it",
    "You can always text me on this, day or night",
)
INTIMATE = (
    "You looked lovely today x",
    "Can't stop thinking about you xx",
    "You're gorgeous, you know that? x",
    "Wish I was there with you tonight x",
    "I owe you a drink for putting up with me x",
    "You're the only one I can really talk to xx",
)
PERSONAL_CHANNEL = (
    "Add me on whatsapp, easier than this phone x",
    "Message me on my own number from now on",
    "Can you delete these messages? Work checks this phone",
    "Best not to mention to anyone that we talk",
    "Don't tell anyone about us, I could lose my job",
    "Text my personal number instead, this one gets looked at",
)
COLLEAGUE_SEXUALISED = (
    "You looked hot in that uniform today",
    "Bet you look even better out of it x",
    "Shame we weren't on nights together, could have had some fun",
    "Send me a pic then x",
    "Don't be frigid, it's only banter",
)
ASSOCIATE = (
    "Sorted that for you, it won't come back",
    "All gone, don't worry about the ticket",
    "Ring me on the other phone",
    "Have they nicked him yet?",
    "Nothing on the system about you mate",
)

STAGES = {"professional": PROFESSIONAL, "friendly": FRIENDLY, "intimate": INTIMATE,
          "personal_channel": PERSONAL_CHANNEL}


def pick(rng: np.random.Generator, options: tuple[str, ...], **fields: str) -> str:
    text = options[int(rng.integers(len(options)))]
    return text.format(**{"officer": "PC Smith", "force": "the police", "ref": "the report", "station": "the",
                          **fields})
