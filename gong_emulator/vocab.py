"""Static word lists the generator draws from (names, domains, phrases, per-language vocabulary).

Kept apart from the generator so the generation logic stays readable.
"""

from __future__ import annotations

COMPANY_STEMS = (
    "Northwind", "Lumen", "Brightwave", "Corvid", "Helix", "Quanta", "Tidal", "Vantage",
    "Meridian", "Copperleaf", "Nimbus", "Arcadia",
)  # fmt: skip
COMPANY_SUFFIXES = ("Analytics", "Labs", "Software", "Systems", "Cloud", "Data")

ACCOUNT_FIRST = (
    "Acme", "Blue", "Silver", "Green", "Red", "Nova", "Polar", "Iron", "Atlas", "Summit", "Harbor",
    "Pine", "Cedar", "Orbit", "Pixel", "Vertex", "Falcon", "Granite", "Crystal", "Maple", "Ember",
    "Cobalt", "Swift", "Oak", "River", "Stone", "Sky", "Bright", "Delta", "Echo",
)  # fmt: skip
ACCOUNT_SECOND = (
    "Robotics", "Logistics", "Health", "Foods", "Energy", "Bank", "Media", "Motors", "Retail",
    "Insurance", "Networks", "Biotech", "Capital", "Travel", "Works", "Metrics", "Freight", "Labs",
)  # fmt: skip
TLDS = (".com", ".com", ".com", ".io", ".co", ".net", ".org", ".ai", ".co.uk", ".de")
INDUSTRIES = (
    "Internet Software & Services", "Banking", "Healthcare Providers", "Logistics", "Retail",
    "Insurance", "Media", "Biotechnology", "Automotive", "Energy",
)  # fmt: skip
FREEMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com")

FIRST_NAMES = (
    "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofía", "José", "Zoë", "Chloé", "Björn",
    "Søren", "Aoife", "Siobhan", "Priya", "Arjun", "Mei", "Hiroshi", "Yuki", "Fatima", "Omar",
    "Kwame", "Amara", "Lucas", "Elena", "Marta", "Jonas", "Léa", "Ingrid", "Diego", "Camila",
    "Ethan", "Grace", "Hannah", "Isaac", "Jack", "Kai", "Luca", "Mia", "Nina",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "García", "Müller", "O'Brien", "Nguyễn", "Kowalski", "Rossi", "Dubois",
    "Jensen", "Andersson", "Tanaka", "Sato", "Patel", "Singh", "Okafor", "Mensah", "Haddad",
    "Cohen", "Ivanova", "Novak", "Silva", "Santos", "Fernández", "Lindqvist", "Walsh", "Brennan",
    "Chen", "Wang", "Kim", "Park", "Schmidt", "Weber", "Martin", "Bernard", "López", "Díaz",
)  # fmt: skip

CONTACT_TITLES = (
    "VP Engineering", "Head of Operations", "CFO", "Director of IT", "Procurement Manager",
    "Chief Revenue Officer", "Sales Enablement Manager - Sales Development", "Data Analyst",
    "RevOps Lead", "CTO", "Security Architect", None,
)  # fmt: skip
IC_TITLES = (
    "Account Executive", "Senior Account Executive", "Sales Development Representative",
    "Customer Success Manager", "Solutions Engineer", None,
)  # fmt: skip
MANAGER_TITLES = ("Sales Manager", "Customer Success Lead", "SDR Manager")
VP_TITLES = ("VP Sales", "VP Customer Success", "Chief Revenue Officer")
SPOKEN_LANGUAGES = ("en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "ja-JP")

CONFERENCE_SYSTEMS = ("Zoom", "Google Meet", "Microsoft Teams", "Webex")
TELEPHONY_SYSTEMS = ("Outreach", "Salesloft", "Aircall", "RingCentral")
SDR_DISPOSITIONS = ("Connected", "No Answer", "Left Voicemail", "Gatekeeper")

EXTERNAL_TOPICS = (
    "Call Setup", "Small Talk", "Pricing", "Integrations", "Differentiation", "Product Demo",
    "Security", "Next Steps", "Timeline", "Customer Success", "Competition", "Budget",
)  # fmt: skip
INTERNAL_TOPICS = ("Pipeline Review", "Forecast", "Coaching", "Hiring", "Deal Strategy", "Roadmap")
STRUCTURE_PARTS = ("Meeting Setup", "Discovery", "Demo", "Objection Handling", "Next Steps")

OPP_STAGES = (
    "Prospecting", "Qualification", "Discovery", "Proposal", "Negotiation", "Open Renewal",
    "Closed Won", "Closed Lost",
)  # fmt: skip
OPP_TYPES = ("New Business", "Renewal", "Upsell", "Expansion")
PERSONAS = ("Manager of Sales", "Economic Buyer", "Champion", "Technical Evaluator")
CS_TIERS = ("1. Platinum", "2. Gold", "3. Silver", "4. Bronze")
SIZE_CATEGORIES = ("1. SMB", "2. Enterprise", "3. Strategic")

CALL_OUTCOMES = (
    ("MEETING_BOOKED", "Answered", "Meeting booked"),
    ("NOT_INTERESTED", "Answered", "Not interested"),
    ("CALL_BACK_LATER", "Answered", "Call back later"),
    ("LEFT_VOICEMAIL", "Not answered", "Left voicemail"),
    ("NO_ANSWER", "Not answered", "No answer"),
    ("DEMO_COMPLETED", "Answered", "Demo completed"),
)
HIGHLIGHT_TITLES = ("Next steps", "Pain points", "Pricing discussion", "Risks", "Action items")
VIDEO_NAMES = ("Browser", "Presentation", "WebcamPrimaryUser", "WebcamNonCompany", "Webcam")

#: (name, type, phrases): KEYWORD trackers hold phrases that are written into the transcript.
TRACKERS = (
    ("Competitors", "KEYWORD", ("Zlymbo", "Chorus", "Clari")),
    ("Pricing", "KEYWORD", ("discount", "price increase", "budget")),
    ("Security", "KEYWORD", ("SOC 2", "SSO", "GDPR")),
    ("CRM", "KEYWORD", ("Salesforce", "HubSpot")),
    ("Next Steps", "SMART", ()),
    ("Objections", "SMART", ()),
)

COMMENTS = (
    "Might be helpful to loop us in on this one",
    "Great discovery questions here",
    "Pricing objection handled well, let's reuse this",
    "Can we follow up on the security questionnaire?",
    "Nice demo flow, share with the team",
)
KEY_POINT_TEMPLATES = (
    "{account} is evaluating options for {topic} this quarter.",
    "The team raised concerns about {topic}.",
    "{account} wants a follow-up session on {topic}.",
    "Budget for {topic} is expected to be approved next month.",
)
OUTLINE_ITEM_TEMPLATES = (
    "{speaker} walked through {topic}.",
    "{speaker} asked how {topic} would work for their team.",
    "Discussion of {topic} and the expected timeline.",
)
PURPOSES = ("Discovery", "Quarterly business review", "Renewal discussion", "Technical deep dive")

WORDS = {
    "eng": (
        "we", "the", "team", "pricing", "integration", "roll", "out", "next", "quarter", "budget",
        "timeline", "dashboard", "pipeline", "renewal", "contract", "security", "review", "users",
        "onboarding", "license", "demo", "feature", "customers", "data", "report", "really", "think",
        "should", "could", "would", "about", "with", "for", "and", "our", "your", "that", "this",
        "can", "need", "works", "support", "access", "meeting", "week", "plan", "goal", "value",
        "process", "approval", "legal", "migration", "forecast", "adoption", "analytics", "okay",
    ),
    "fre": (
        "nous", "le", "la", "les", "projet", "équipe", "prix", "intégration", "trimestre", "budget",
        "contrat", "sécurité", "déploiement", "données", "rapport", "réunion", "client", "besoin",
        "très", "être", "avec", "pour", "déjà", "prochaine", "étape", "voilà", "c'est", "ça",
        "fonctionnalité", "utilisateurs", "accès", "délai", "réponse", "validé", "à", "où",
    ),
    "ger": (
        "wir", "das", "die", "der", "Projekt", "Team", "Preis", "Integration", "Quartal", "Budget",
        "Vertrag", "Sicherheit", "Einführung", "Daten", "Bericht", "Besprechung", "Kunde",
        "müssen", "größer", "für", "über", "nächste", "Woche", "Schritt", "Zugriff", "Lösung",
        "natürlich", "genau", "Anforderungen", "Nutzer", "Prüfung", "schön", "dafür",
    ),
    "spa": (
        "nosotros", "el", "la", "proyecto", "equipo", "precio", "integración", "trimestre",
        "presupuesto", "contrato", "seguridad", "implementación", "datos", "informe", "reunión",
        "cliente", "año", "también", "próxima", "semana", "acceso", "solución", "por", "qué",
        "sí", "más", "usuarios", "aprobación", "señal", "mañana", "están", "cómo",
    ),
    "jpn": (
        "私たち", "は", "プロジェクト", "チーム", "価格", "統合", "四半期", "予算", "契約",
        "セキュリティ", "導入", "データ", "報告", "会議", "顧客", "です", "ます", "について",
        "来週", "確認", "お願いします", "そうですね", "次", "ステップ", "利用者", "承認", "が", "を",
    ),
}  # fmt: skip
LANGUAGE_CODES = {"eng": "en-US", "fre": "fr-FR", "ger": "de-DE", "spa": "es-ES", "jpn": "ja-JP"}
UPLOAD_LANGUAGES = {
    "en": "eng", "fr": "fre", "de": "ger", "es": "spa", "ja": "jpn", "it": "ita", "pt": "por",
    "nl": "dut", "he": "heb", "zh": "chi",
}  # fmt: skip
#: Where Gong's pre-signed media URLs point (recordings and API uploads).
S3_MEDIA_HOST = "https://gong-pre-redaction-media-gpe-nam-02-1-us-west-2.s3.amazonaws.com"

#: Scorecard names and the RANGE (1-5) questions they draw from.
SCORECARD_NAMES = (
    "AE Demo Call Scorecard",
    "Discovery Call Scorecard",
    "SDR Cold Call Scorecard",
    "Renewal Call Review",
)
SCORECARD_QUESTIONS = (
    "Did the rep set a clear agenda?",
    "How well did the rep uncover the customer's pain?",
    "Did the rep handle objections well?",
    "Did the rep confirm budget and timeline?",
    "How well did the rep tailor the demo?",
    "Did the rep set clear next steps?",
    "Did the rep offer a pilot? Were success criteria set?",
    "How well did the rep listen?",
)
OVERALL_QUESTION = "How would you rate the rep's overall performance in the call?"
VISIBILITY_TYPES = ("PUBLIC", "PUBLIC", "PRIVATE", "OPT_IN_USERS")
#: Languages whose transcripts carry the tracker phrases too (their keywords are listed per language).
TRACKER_LANGUAGES = ("fre", "ger", "spa", "jpn")
