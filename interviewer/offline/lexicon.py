"""General vocabulary the offline grader relies on beyond the rubrics: function words,
reasoning and contrast markers, concrete measures, vague filler, padding and the everyday
vocabulary of platform work."""

from __future__ import annotations

import re


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Criteria every topic shares (common.yaml); they do not say what subject an answer is on.
SHARED_CRITERIA = frozenset({"structure", "trade-offs", "story"})

FUNCTION_WORDS = _set("""
a an the and or but nor so yet for of to in on at by with from into onto over under about
after before between through during without within across against among per via than then
as if because since while whereas although though unless until when where which who whom
whose what why how that this these those there here it its they them their we us our i me
my you your he she his her be is am are was were been being do does did done have has had
having will would shall should can could may might must not no also just only very too
more most less least much many some any each every all both either neither other such own
same up down out off again once further few lot lots own whether let lets make made get
got go going want need one instead rather well even still
""")

# Function words that still pin down a phrase whose only content word is common
# ("who the users are", "in short"); articles and copulas are not among them.
LOOSE_FUNCTION_WORDS = _set("a an the is am are was were be been of to and or")

# Words that carry almost no subject matter even when not function words.
GENERIC_WORDS = _set("""
thing things way ways really important key good great better best bad stuff kind sort
think believe feel know say said see look like just actually basically obviously clearly
approach question answer example case point time people team teams work working worked
help helps make makes made use used using also would could should always never often
design designing walk describe explain tell approach handle build building create decide
improve plan talk run given imagine suppose pm product manager company business new
time times day days week weeks month months year years today last first second next ago
one two three four five ten hundred thousand number numbers half few several lot
""")

# Sentence-level signs of reasoning: cause, purpose, consequence, contrast, cost, measurement.
REASONING = re.compile(
    r"\b(?:because|since|so that|so we|so the|so it|so they|in order to|which means|"
    r"that means|this means|meaning|which lets|which gives|which keeps|which avoids|"
    r"at the cost of|the cost is|costs? us|in exchange|instead of|rather than|"
    r"trade-?offs?|tradeoffs?|but|however|whereas|while|although|though|unless|otherwise|"
    r"therefore|thus|hence|as a result|the downside|the upside|the risk|risk of|risks|"
    r"the catch|on the other hand|versus|vs\.?|compared (?:to|with)|if\b.{1,60}\bthen|"
    r"if we|if a|if the|if they|when a|when the|measure|measured|measuring|track|tracked|"
    r"target|threshold|so\b|to avoid|to prevent|to protect|to reduce|to make sure|"
    r"to ensure|ensures|prevents|avoids|depends on|i would pick|i'd pick|i would choose|"
    r"i'd choose|i would go with|i'd go with|i'd start|i would start|my recommendation|"
    r"i recommend|we'd accept|we accept|worth it)\b",
    re.IGNORECASE,
)

# Concrete detail: numbers, units, percentiles, named examples, and plain-language measures
# ("how often", "share of", "time from ... to ...").
SPECIFIC = re.compile(
    r"\b(?:\d+(?:\.\d+)?\s*(?:%|ms|s|seconds?|minutes?|hours?|days?|weeks?|months?|"
    r"years?|x|k|m|rps|qps|requests?)?|p\d{2,3}|for example|for instance|e\.g\.|such as|"
    r"say,|like when|how (?:often|long|many|much|fast|quickly)|"
    r"(?:share|percentage|percent|proportion|fraction|rate|number|count) of|"
    r"time (?:to|from|between)|per (?:second|minute|hour|day|week|month|request|user|team|"
    r"customer|account|call)|before and after|compared? (?:to|with)|"
    r"(?:fall|falls|fell|drop|drops|dropped|rise|rises|rose|grow|grows|grew|goes|went) "
    r"(?:from|to|by|over|below|above)|halved|doubled|tripled|cut in half|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|"
    r"hundred|thousand|a few|a couple of) (?:percent|milliseconds|seconds?|minutes?|hours?|"
    r"days?|weeks?|months?|quarters?|years?|times|requests?|teams?|calls?|services?))\b",
    re.IGNORECASE,
)

# Openers that signal an organised answer.
SIGNPOSTS = re.compile(
    r"^(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|finally|lastly|to start|"
    r"to begin|to summari[sz]e|in summary|so,? in short|overall|my recommendation|"
    r"i(?:'d| would) (?:start|begin|first)|step \d|the (?:first|second|third|last) )\b",
    re.IGNORECASE,
)

# Stock phrases that fill space without saying anything about the problem.
PADDING = re.compile(
    r"\b(?:great question|good question|interesting question|at the end of the day|"
    r"communication is key|stakeholders? alignment is key|think outside the box|"
    r"move the needle|best practices?|synergy|synergies|holistic|circle back|low-hanging fruit|"
    r"paradigm shift|world-class|best-in-class|game[- ]changer|in today's world|"
    r"needless to say|it goes without saying|as we all know|leverage our strengths|"
    r"customer obsession|data-driven culture|first principles|north star|"
    r"there are many factors|many things to consider|lots of things to consider)\b",
    re.IGNORECASE,
)

# Everyday vocabulary of platform product work, used only to tell an answer about the
# platform problem from an essay on another subject; it earns no rubric credit by itself.
PLATFORM_WORDS = _set("""
api apis endpoint endpoints request requests response responses client clients server servers
service services microservice backend frontend gateway proxy sdk sdks cli library libraries
docs documentation reference schema schemas field fields payload payloads contract contracts
version versions versioned release releases deploy deploys deployed deployment deployments
rollout rollback canary staging production environment environments config configuration
build builds pipeline pipelines ci cd test tests testing image images container containers
registry cluster clusters node nodes region regions zone zones replica replicas shard shards
database databases table tables column columns query queries warehouse lake stream streams
event events queue queues topic topics consumer consumers producer producers batch job jobs
cache caches cached storage store stores bucket buckets file files blob object objects
latency throughput traffic load capacity scale scaling peak spike spikes burst bursts
error errors failure failures outage outages incident incidents alert alerts page pages
pager on-call oncall runbook dashboard dashboards metric metrics log logs logging trace traces
tracing monitor monitoring uptime availability slo slos sla slas budget budgets p50 p95 p99
limit limits quota quotas throttle throttled retry retries backoff timeout timeouts
token tokens key keys secret secrets credential credentials auth authentication authorization
login sign-in signin password passwords session sessions permission permissions role roles
scope scopes identity account accounts tenant tenants sdk-version integration integrations
integrate migrate migration migrations deprecate deprecation sunset legacy upgrade upgrades
adopt adoption onboarding onboard self-serve template templates workflow workflows tooling
feature features flag flags experiment experiments cohort cohorts funnel funnels baseline
model models training serving inference prediction predictions feature-store dataset datasets
pricing price plan plans tier tiers billing invoice cost costs spend revenue merchant merchants
payment payments partner partners vendor vendors contract sla webhook webhooks callback
cutover dual-write backfill replay idempotent idempotency consistency consistent ordering
code codebase repo repos commit commits live audit check checks state states id ids v1 v2 v3
volume refresh median usage ml mfa sso admin admins revocation revoke revoked gpu gpus cpu
signature signatures signed signing offline online owner owners ownership infrastructure
fraud quarantine alias aliases provider providers automatic automatically fail fails failed
succeed succeeded hourly daily weekly encrypt encrypted encryption hash hashes replication
failover fallback pipeline sync synchronous asynchronous async schedule scheduled cron
""")

# Question words that name the usual actors of platform work: a sentence that echoes only these
# is loosely tied to the scenario asked about.
ROLE_WORDS = _set("""
platform platforms engineer engineers engineering developer developers customer customers
user users internal external service services system systems organisation organization
analyst analysts scientist scientists operator operators
""")

# Everyday question words (verbs, adjectives, vague nouns) that any fluent essay uses: echoing
# one says almost nothing about which scenario a sentence is about.
EVERYDAY_WORDS = _set("""
company companies org leadership leader leaders manager managers change changes changed
changing want wants wanted ask asks asked keep keeps kept take takes took find finds found
bring brings brought give gives show shows showed set sets put turn turns happen happens
happened start starts started end ends ended matter matters real old new large small big
short long high low fast slow quick quickly full whole main part parts group groups side
sides place level levels area areas problem problems issue issues around across value worth
grow growth share shared support supports run runs ran call calls called tell tells told
fix fixes fixed deal deals handle handles go goes went come comes came love loves
""")

# Abstract, hedging and buzzword vocabulary: a sentence built from these circles a topic
# without saying what to do. A high share of them marks a long but shallow answer.
VAGUE_WORDS = _set("""
important importance essential crucial vital strategic strategically valuable benefit benefits
balance balanced balancing right best practice practices stakeholder stakeholders align aligned
aligning alignment vision visionary leverage leveraging modern holistic holistically iterate
iterative iterating iteration journey journeys culture cultural mindset mindsets foundation
foundational unlock unlocks unlocking empower empowers empowering seamless seamlessly robust
scalable consider considering consideration considerations perspective perspectives depend
depends depending context contexts priorities various really very truly increasingly powerful
great world-class pros cons evolve evolving evolves ensure ensuring appropriate appropriately
ultimately generally typically potentially effectively efficient efficiently regularly upfront
principle principles thoughtful thoughtfully careful carefully collaborate collaboration
collaborative partnership engage engagement proactive proactively transparent transparency
communicate communication communicating mindful opportunity opportunities synergy synergies
innovation innovative excellence framework frameworks ecosystem ecosystems paradigm impactful
meaningful objectives landscape space solution solutions initiative initiatives capability
capabilities relationships relationship naturally basically simply everyone certain certainly
overall whatever approach approaches
""")

# Hedged or generic prescriptions: "we should", "make sure", "the right balance".
HEDGE = re.compile(
    r"\b(?:should|need to|needs to|make sure|have to|has to|think about|in place|it depends|"
    r"depends on|the right|best practices?|important|key|critical|essential|over time|in mind|"
    r"balance|focus on|work closely|closely with|ensure|consider)\b",
    re.IGNORECASE,
)

# Two sides of a choice set against each other.
CONTRAST = re.compile(
    r"\b(?:but|however|whereas|while|although|though|instead of|rather than|at the cost of|"
    r"at the expense of|in exchange|versus|vs\.?|on the other hand|the downside|downsides?|"
    r"the upside|the catch|the risk|trade-?offs?|tradeoffs?|costs? (?:us|more|less)|"
    r"gives? up|lose|loses|cheaper|slower|faster|safer|riskier|simpler|harder|easier)\b",
    re.IGNORECASE,
)

# The candidate commits to something.
DECISION = re.compile(
    r"\b(?:i'd|i would|we'd|we would|i will|we will|i'll|we'll|my (?:call|pick|choice|"
    r"recommendation|plan|decision)|i recommend|i choose|i pick|i'd go with|i'd take|"
    r"i would go with|i would take|we chose|i chose|we decided|i decided)\b",
    re.IGNORECASE,
)


# kept importable from here for code written against the first version of this module
from interviewer.offline.injection import is_instruction_to_grader  # noqa: E402, F401

# Words that turn a sentence into a warning or a refusal ("we would never log passwords",
# "avoid changing the field in place"): a red flag's cue inside such a sentence is the
# candidate steering clear of the mistake, not making it. Words a cue itself uses are ignored.
WARNING_WORDS = _set("""
never not no dont doesnt didnt wont wouldnt shouldnt cant cannot mustnt isnt arent avoid
avoiding avoided instead rather mistake mistakes antipattern anti pattern wrong dangerous
danger trap pitfall refuse resist against prevent prevents stop nobody tempting tempted
bad worst risky ignore ignored only unless opt kill killed miserable painful
retire retired
""")

# Marks of a spoken transcript: fillers and self-corrections. The grader reads these answers
# less reliably, so it says its grade is uncertain rather than asserting it.
SPOKEN = re.compile(
    r"\b(?:um+|uh+|erm+|hmm+|you know|i mean|sort of|kind of|no wait|wait no|actually no|"
    r"or rather|let me rephrase|what i mean is)\b",
    re.IGNORECASE,
)

# A story told in the first person and the past ("I led", "we shipped", "at my last company")
# against a hypothetical ("I would", "we'd"): a behavioural question asks for the first.
NARRATED = re.compile(
    r"\b(?:i|we)\s+(?:\w+ed|was|were|had|did|led|ran|built|wrote|made|took|chose|found|saw|"
    r"got|went|spent|began|became|brought|sent|set|put|cut|told|thought|knew|left|kept|met|"
    r"paid|sold|won|lost|gave|drew|held|hit|shipped|moved)\b|"
    r"\b(?:at my (?:last|previous)|in my (?:last|previous)|last year|a few years ago|"
    r"when i was)\b",
    re.IGNORECASE)
HYPOTHETICAL = re.compile(r"\b(?:i|we)\s*(?:would|'d|will|'ll|could|should)\b", re.IGNORECASE)
