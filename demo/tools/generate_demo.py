"""Generates the demo workspace of Northwind Robotics (fictional).

Writes markdown, text, HTML, email, JSON, PDF and DOCX files under demo/.
Deterministic: the same script writes the same files. The outputs are
committed; run this only to change the workspace:

    python3 demo/tools/generate_demo.py
"""

import json
import os
import random
import shutil
import sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(DEMO, "..", "tools"))
import docgen  # noqa: E402

rng = random.Random(20250301)

PEOPLE = [
    ("Maya Okafor", "maya.okafor", "CEO"),
    ("Daniel Reyes", "daniel.reyes", "VP Engineering"),
    ("Zoë Müller", "zoe.mueller", "Head of People"),
    ("Priya Raman", "priya.raman", "Product Manager, Atlas"),
    ("Tom Lindqvist", "tom.lindqvist", "Site Reliability Lead"),
    ("José Peña", "jose.pena", "Account Executive"),
    ("Aiko Tanaka", "aiko.tanaka", "Firmware Engineer"),
    ("Sam Whitfield", "sam.whitfield", "CFO"),
    ("Lena Fischer", "lena.fischer", "Customer Success Manager"),
    ("Omar Haddad", "omar.haddad", "Hardware Engineer"),
    ("Grace Kim", "grace.kim", "Product Manager, Hermes"),
    ("Luca Bianchi", "luca.bianchi", "Sales Director EMEA"),
]
CUSTOMERS = [
    ("Acme Logistics", "acme-logistics.example", "Rotterdam", "Hanna de Vries"),
    ("Bluefin Grocers", "bluefin.example", "Leeds", "Oliver Grant"),
    ("Cobalt Pharma", "cobaltpharma.example", "Basel", "Marc Keller"),
    ("Drayton Parts", "draytonparts.example", "Detroit", "Angela Ruiz"),
    ("Everline Retail", "everline.example", "Lyon", "Claire Martin"),
    ("Fjord Freight", "fjordfreight.example", "Oslo", "Erik Nilsen"),
    ("Granite Foods", "granitefoods.example", "Chicago", "Marcus Bell"),
    ("Harbor Home", "harborhome.example", "Seattle", "Nina Patel"),
]
PRODUCTS = ["Atlas AMR", "Hermes fleet manager", "Pallas arm"]
COMPANY = "Northwind Robotics"
DOMAIN = "northwind-robotics.example"


def email_of(person):
    return "%s@%s" % (person[1], DOMAIN)


def write(rel, text):
    path = os.path.join(DEMO, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def day(base, offset):
    return base + timedelta(days=offset)


# ---------------------------------------------------------------- HR -------

def hr():
    write("hr/parental-leave-policy.md", """# Parental Leave Policy
Author: Zoë Müller
Date: 2025-02-03

This policy explains the paid parental leave Northwind Robotics gives to every
employee who becomes a parent through birth, adoption or foster placement.

## How much parental leave you get

- **Primary caregivers** receive **16 weeks of fully paid parental leave**.
- **Secondary caregivers** receive **6 weeks of fully paid parental leave**.
- Parental leave can start up to two weeks before the expected birth or
  placement date and must be taken within 12 months of it.
- Leave may be split into at most two blocks of at least two weeks each.

## Eligibility

You are eligible for parental leave after **6 months of continuous
employment**. Part-time employees receive the same number of weeks, paid at
their contracted hours. Contractors are covered by their agency's policy.

## How to apply for parental leave

1. Tell your manager and People Operations at least 8 weeks before the leave
   starts, or as soon as you can for adoptions.
2. Submit the parental leave form in the HR portal with the expected date.
3. People Operations confirms your dates, pay and benefits in writing within
   five working days.

## During and after your leave

Your health insurance, pension contributions and stock vesting continue as
normal during parental leave. You return to the same role, or an equivalent
one at the same level and pay. For the first four weeks after returning you
may work 80% of your hours at full pay ("phased return").

## Questions

Contact People Operations at people@northwind-robotics.example or Zoë Müller
directly.
""")
    policies = [
        ("travel-and-expenses-policy.md", "Travel and Expenses Policy", "Sam Whitfield", [
            ("Booking travel", "Book flights and hotels through the travel portal at least 14 days "
             "ahead. Economy class is the default for flights under six hours; premium economy is "
             "allowed above that."),
            ("Daily allowances", "Meals are reimbursed up to 60 EUR per day in Europe and 75 USD "
             "per day in North America. Alcohol is not reimbursed unless a customer is present."),
            ("Submitting expenses", "Submit receipts in the expense tool within 30 days. Expenses "
             "above 500 EUR need the approval of your department head."),
        ]),
        ("remote-work-policy.md", "Remote Work Policy", "Zoë Müller", [
            ("Who can work remotely", "Engineering, product and sales staff may work remotely up to "
             "three days a week. Manufacturing and lab roles are on site."),
            ("Equipment", "Northwind provides a laptop, a monitor and a 400 EUR home-office budget "
             "every two years."),
            ("Working abroad", "Working from another country for more than 20 days a year needs "
             "approval from People Operations because of tax and insurance rules."),
        ]),
        ("code-of-conduct.md", "Code of Conduct", "Maya Okafor", [
            ("Respect", "We treat colleagues, customers and partners with respect. Harassment and "
             "discrimination are not tolerated."),
            ("Conflicts of interest", "Declare any financial interest in a supplier or customer to "
             "your manager and to Legal."),
            ("Reporting concerns", "Report concerns to your manager, to People Operations or "
             "anonymously through the ethics hotline."),
        ]),
        ("vacation-policy.md", "Vacation and Public Holidays", "Zoë Müller", [
            ("Annual vacation", "Full-time employees receive 28 days of paid vacation per calendar "
             "year plus local public holidays. Up to five unused days carry over to March 31."),
            ("Booking time off", "Request vacation in the HR portal at least two weeks ahead for "
             "absences longer than three days."),
            ("Sick days", "Report sickness to your manager on the first day. From the fourth day "
             "a doctor's note is required."),
        ]),
        ("performance-reviews.md", "Performance Review Process", "Zoë Müller", [
            ("Cycle", "Reviews happen twice a year, in May and November, with a self-assessment, "
             "peer feedback from two colleagues and a manager review."),
            ("Ratings", "We use four ratings: exceeds, strong, meets, below. Ratings inform the "
             "annual salary review in January."),
            ("Calibration", "Department heads calibrate ratings together to keep them fair across "
             "teams."),
        ]),
        ("equipment-and-security.md", "Laptop and Account Security", "Tom Lindqvist", [
            ("Devices", "Laptops use full-disk encryption and lock after five minutes. Report a "
             "lost device to it-help within one hour."),
            ("Accounts", "Single sign-on with a hardware key is mandatory for all company "
             "accounts. Passwords are never shared, even with IT."),
            ("Customer data", "Customer data stays in approved systems. Do not copy customer "
             "warehouse maps or telemetry to personal devices."),
        ]),
        ("onboarding-checklist.md", "New Hire Onboarding Checklist", "Zoë Müller", [
            ("Before day one", "People Operations sends the contract, the equipment order and the "
             "welcome email with the first-week schedule."),
            ("First week", "Meet your buddy, complete the safety training for the robot test hall, "
             "and set up your hardware key."),
            ("First month", "Shadow a customer deployment and present a short summary of what "
             "you learned at the engineering all-hands."),
        ]),
    ]
    for name, title, author, sections in policies:
        body = ["# %s" % title, "Author: %s" % author, "Date: 2025-0%d-15" % rng.randint(1, 9), ""]
        body.append("This document describes how %s handles %s." % (COMPANY, title.lower()))
        for heading, text in sections:
            body += ["", "## %s" % heading, "", text]
        write("hr/" + name, "\n".join(body) + "\n")

    # A German works agreement and a French summary (non-English documents).
    write("hr/betriebsvereinbarung-arbeitszeit.md", """# Betriebsvereinbarung zur Arbeitszeit
Author: Zoë Müller
Date: 2025-01-20

Diese Betriebsvereinbarung zwischen der Geschäftsführung der Northwind Robotics
GmbH und dem Betriebsrat regelt die Arbeitszeit am Standort München.

## Regelmäßige Arbeitszeit

Die regelmäßige wöchentliche Arbeitszeit beträgt 38 Stunden. Die Kernarbeitszeit
liegt montags bis donnerstags zwischen 10 und 15 Uhr, freitags zwischen 10 und
13 Uhr.

## Überstunden

Überstunden müssen vorher von der Führungskraft genehmigt werden. Sie werden
auf dem Arbeitszeitkonto gutgeschrieben und innerhalb von sechs Monaten durch
Freizeit ausgeglichen.

## Mobiles Arbeiten

Beschäftigte können bis zu drei Tage pro Woche mobil arbeiten, sofern ihre
Tätigkeit dies erlaubt. Die Arbeitsschutzvorschriften gelten auch zu Hause.
""")
    write("hr/politique-teletravail-lyon.txt", """Politique de télétravail - bureau de Lyon

Le bureau de Lyon de Northwind Robotics applique la politique de télétravail du
groupe avec les adaptations suivantes. Les salariés peuvent travailler à
distance jusqu'à trois jours par semaine. Une indemnité mensuelle de 30 euros
couvre les frais de connexion et d'électricité. Les équipes de démonstration
client restent sur site le mardi et le jeudi.

Pour toute question, contactez Claire Dubois au service des ressources
humaines.
""")


# -------------------------------------------------------------- product ----

ATLAS_SPEC = [
    ("h1", "Atlas AMR Product Specification"),
    ("p", "The Atlas AMR is Northwind Robotics' autonomous mobile robot for warehouse "
          "transport. It carries totes, carts and pallets up to 600 kg between picking, "
          "packing and dock areas without fixed infrastructure."),
    ("h2", "Battery and charging"),
    ("p", "Atlas uses a 48 V lithium iron phosphate (LiFePO4) battery pack of 2.4 kWh. Battery "
          "life is 10 hours of continuous operation at a typical 60% duty cycle, or 8 hours at "
          "full payload. A fast charge from 20% to 90% takes 2 hours on the Atlas dock; "
          "opportunity charging of 10 minutes adds about 1 hour of runtime."),
    ("p", "The battery is rated for 3000 full cycles before it falls to 80% of its original "
          "capacity, which is about five years of two-shift operation. The pack is hot-swappable "
          "in under 3 minutes."),
    ("h2", "Navigation"),
    ("p", "Navigation combines two 360-degree lidars, a 3D depth camera and wheel odometry. "
          "Atlas builds its map during a guided first drive and localises to within 10 mm. It "
          "plans around people and obstacles dynamically and slows to 0.3 m/s near pedestrians."),
    ("h2", "Payload and motion"),
    ("li", "Maximum payload: 600 kg (top module), 1000 kg (towing)."),
    ("li", "Maximum speed: 2.0 m/s empty, 1.5 m/s loaded."),
    ("li", "Turning radius: zero (differential drive)."),
    ("li", "Ramp capability: up to 5% with full payload."),
    ("h2", "Safety"),
    ("p", "Atlas is certified to ISO 3691-4. Safety-rated lidar fields, two emergency stop "
          "buttons and a bumper stop the robot within 0.5 m at full speed."),
    ("h2", "Connectivity and fleet management"),
    ("p", "Atlas connects over Wi-Fi 6 or private 5G to the Hermes fleet manager, which "
          "assigns missions, manages charging and reports utilisation."),
    ("h2", "Environment"),
    ("li", "Operating temperature: 0 to 40 degrees Celsius."),
    ("li", "Ingress protection: IP54."),
    ("li", "Floor: sealed concrete, gaps up to 20 mm."),
]


def product():
    docgen.write_pdf(os.path.join(DEMO, "product/atlas-amr-spec.pdf"),
                     "Atlas AMR Product Specification", "Priya Raman", "20250310120000",
                     ATLAS_SPEC)
    docgen.write_docx(os.path.join(DEMO, "product/atlas-amr-spec.docx"),
                      "Atlas AMR Product Specification", "Priya Raman", "2025-03-10T12:00:00Z",
                      ATLAS_SPEC + [("table", [["Parameter", "Value"],
                                               ["Battery", "48 V LiFePO4, 2.4 kWh"],
                                               ["Runtime", "10 hours"],
                                               ["Fast charge", "2 hours (20-90%)"],
                                               ["Cycle life", "3000 cycles"]])])
    docgen.write_pdf(os.path.join(DEMO, "product/pallas-arm-datasheet.pdf"),
                     "Pallas Robotic Arm Datasheet", "Omar Haddad", "20250612090000", [
                         ("h1", "Pallas Robotic Arm Datasheet"),
                         ("p", "Pallas is a six-axis collaborative arm for piece picking. It "
                               "reaches 1.3 m, lifts 12 kg and picks up to 900 items per hour "
                               "with the suction gripper."),
                         ("h2", "Vision"),
                         ("p", "A stereo camera and a learned grasp model let Pallas pick "
                               "unknown items from mixed bins with a 99.2% success rate."),
                         ("h2", "Integration"),
                         ("p", "Pallas mounts on a fixed pedestal or on top of an Atlas AMR for "
                               "mobile picking and talks to Hermes through the same mission "
                               "API."),
                     ])
    docgen.write_docx(os.path.join(DEMO, "product/hermes-roadmap-2026.docx"),
                      "Hermes Fleet Manager Roadmap 2026", "Grace Kim", "2025-10-02T09:00:00Z", [
                          ("h1", "Hermes Fleet Manager Roadmap 2026"),
                          ("p", "Hermes schedules missions for mixed fleets of Atlas robots and "
                                "Pallas arms. In 2026 we focus on scale, integrations and "
                                "energy."),
                          ("h2", "Q1: multi-site dashboards"),
                          ("p", "One view of utilisation across all warehouses of a customer."),
                          ("h2", "Q2: WMS connectors"),
                          ("li", "SAP EWM connector"), ("li", "Manhattan Active WM connector"),
                          ("h2", "Q3: energy-aware charging"),
                          ("p", "Charging windows follow electricity prices and shift demand "
                                "away from peak hours."),
                          ("table", [["Quarter", "Theme", "Owner"],
                                     ["Q1", "Dashboards", "Grace Kim"],
                                     ["Q2", "Connectors", "Daniel Reyes"],
                                     ["Q3", "Energy", "Aiko Tanaka"]]),
                      ])
    features = [
        ("atlas-release-notes-%s.md", "Atlas firmware %s release notes"),
    ]
    base = datetime(2024, 9, 2, tzinfo=timezone.utc)
    changes = [
        "improved lidar filtering in dusty aisles", "faster relocalisation after a manual push",
        "smoother acceleration with tall loads", "new dock alignment routine",
        "reduced Wi-Fi roaming gaps", "battery health reporting to Hermes",
        "pedestrian detection at 15 m instead of 10 m", "quieter motor controller at low speed",
        "support for private 5G modems", "ramp detection with the depth camera",
        "fixed a rare stall at narrow door frames", "faster boot, now under 40 seconds",
    ]
    for i in range(12):
        version = "3.%d.0" % i
        date = day(base, i * 30)
        picked = rng.sample(changes, 3)
        text = ["# Atlas firmware %s release notes" % version, "Author: Aiko Tanaka",
                "Date: %s" % date.date().isoformat(), "",
                "Firmware %s rolls out to all customer fleets through Hermes over two weeks."
                % version, "", "## Changes", ""]
        text += ["- %s" % c[0].upper() + c[1:] for c in picked]
        text += ["", "## Known issues", "",
                 "None reported in the beta fleet of %d robots." % rng.randint(20, 80)]
        write("product/release-notes/" + features[0][0] % version, "\n".join(text) + "\n")


# --------------------------------------------------------------- ops -------

def ops():
    write("ops/2025-03-12-database-outage-postmortem.md", """# Postmortem: Hermes Cloud database outage on 2025-03-12
Author: Tom Lindqvist
Date: 2025-03-14

## Summary

On 12 March 2025 Hermes Cloud was unavailable for 47 minutes (09:14 to 10:01
UTC). The PostgreSQL primary database of the EU region stopped accepting
writes after its disk filled up, and the automatic failover to the replica
did not complete. Robots kept running their current missions but no new
missions could be assigned in 31 customer warehouses.

## Timeline (UTC)

- 09:02 The nightly analytics export starts writing temporary files to the
  database volume.
- 09:14 The disk of the primary reaches 100%; PostgreSQL stops accepting
  writes. Hermes API error rate rises to 100%.
- 09:16 Pager alert fires; Tom Lindqvist acknowledges.
- 09:24 Failover to the replica is triggered; it stalls because the replica
  lags 9 minutes behind on WAL replay.
- 09:41 Temporary files removed, disk usage back to 71%.
- 09:52 Primary restarted; replication re-established.
- 10:01 Hermes API healthy; missions resume.

## Root cause

The analytics export was moved to the database host in February and writes
large temporary files on the same volume as the database. Disk usage alerts
existed at 90% but were routed to an unused channel. The replica lag came from
the same export saturating disk I/O.

## What went well

- Robots finished their running missions safely and parked.
- Customer Success informed all affected customers within 20 minutes.

## Action items

1. Move analytics exports to a separate reporting replica (owner: Tom
   Lindqvist, done 2025-03-21).
2. Route disk alerts at 80% and 90% to the on-call pager (owner: Tom
   Lindqvist, done 2025-03-15).
3. Alert on replica lag above 60 seconds and block failover to a lagging
   replica without a manual check (owner: Daniel Reyes, due 2025-04-15).
4. Run a failover drill every quarter (owner: SRE team).
""")
    incidents = [
        ("2024-11-05", "Wi-Fi roaming storm at Acme Logistics Rotterdam",
         "A firmware update of the customer's access points changed roaming thresholds; 40 "
         "robots paused repeatedly while switching access points.",
         "We tuned the Atlas roaming hysteresis and agreed a change-notification process with "
         "the customer's network team."),
        ("2025-01-22", "Hermes mission queue stuck after certificate expiry",
         "The internal certificate between Hermes and the mission broker expired; new missions "
         "were queued but never dispatched for 22 minutes.",
         "Certificates are now renewed automatically 30 days before expiry and monitored."),
        ("2025-05-30", "Charging dock overheating at Granite Foods Chicago",
         "Two docks reported high temperatures because of blocked ventilation behind pallets.",
         "Docks now stop charging above 55 degrees and Hermes warns the site team."),
        ("2025-07-18", "Map corruption after a manual map edit",
         "A map edit with an unclosed polygon made path planning fail in one zone.",
         "The map editor validates polygons before saving; a rollback button was added."),
        ("2025-09-09", "Delayed telemetry in the US region",
         "A misconfigured message broker partition delayed robot telemetry by up to 15 minutes.",
         "Partition counts are reviewed in every capacity review; lag alerts were added."),
    ]
    for date, title, what, fix in incidents:
        slug = title.lower().replace(" ", "-").replace(",", "")[:50]
        write("ops/%s-%s.md" % (date, slug), "\n".join([
            "# Incident report: %s" % title, "Author: Tom Lindqvist", "Date: %s" % date, "",
            "## What happened", "", what, "", "## Impact", "",
            "%d robots affected for %d minutes." % (rng.randint(4, 60), rng.randint(10, 90)),
            "", "## Follow-up", "", fix, ""]))
    write("ops/on-call-runbook.md", """# SRE On-call Runbook
Author: Tom Lindqvist
Date: 2025-04-02

## Paging

The on-call engineer acknowledges a page within 5 minutes and opens an
incident channel for anything customer-facing.

## Hermes API down

Check the load balancer health, then the application pods, then the database
dashboards (connections, disk, replication lag). See the March 2025 database
postmortem for the failover checklist.

## Robots not receiving missions

Check the mission broker queue depth and the certificate expiry dashboard.
""")


# ------------------------------------------------------------ meetings -----

TOPICS = [
    ("Atlas battery supplier", "We compared the two LiFePO4 cell suppliers. Supplier B is 8% "
     "cheaper but needs a new qualification run of 12 weeks."),
    ("Hermes scaling", "The EU cluster handles 2,400 robots today; load tests show headroom to "
     "6,000 after the mission broker sharding."),
    ("Pallas grasp success", "Grasp success on polybagged items rose from 96.1% to 98.4% after "
     "the new suction cup design."),
    ("Customer pipeline", "Twelve open opportunities in EMEA, four in late stage; Bluefin "
     "Grocers expects a decision in May."),
    ("Hiring", "Three open roles in firmware, two in SRE, one product designer. Offer accepted "
     "for the Lyon solutions engineer."),
    ("Safety certification", "The ISO 3691-4 audit for the Atlas heavy variant is booked for "
     "June with TÜV."),
    ("Warehouse pilot at Cobalt Pharma", "The pilot runs 6 Atlas robots in the cold room at 4 "
     "degrees; battery runtime there is 15% lower than at room temperature."),
    ("Support backlog", "Open tickets fell from 87 to 52; most are map edits and Wi-Fi "
     "questions."),
    ("Pricing", "Robots-as-a-service at 1,450 EUR per robot per month including Hermes and "
     "maintenance."),
    ("Trade show", "LogiMAT booth planned with a live Atlas and Pallas demo cell."),
]


def meetings():
    base = datetime(2024, 10, 7, tzinfo=timezone.utc)
    kinds = [("leadership", "Leadership team meeting"), ("product", "Product review"),
             ("engineering", "Engineering sync")]
    for i in range(36):
        kind, name = kinds[i % 3]
        date = day(base, i * 9)
        attendees = rng.sample(PEOPLE, 4)
        topics = rng.sample(TOPICS, 3)
        lines = ["# %s - %s" % (name, date.date().isoformat()),
                 "Date: %s" % date.date().isoformat(), "",
                 "Attendees: " + ", ".join(p[0] for p in attendees), "", "## Notes", ""]
        for title, text in topics:
            lines += ["### %s" % title, "", text, ""]
        owner = rng.choice(attendees)[0]
        lines += ["## Action items", "",
                  "- %s to follow up on %s by %s." % (owner, topics[0][0].lower(),
                                                       day(date, 7).date().isoformat()),
                  "- %s to share numbers before the next meeting." % rng.choice(attendees)[0],
                  ""]
        write("meetings/%s-%s.md" % (date.date().isoformat(), kind), "\n".join(lines))
    # A few plain-text notes
    for i in range(6):
        date = day(base, 20 + i * 45)
        write("meetings/notes-%s-1on1.txt" % date.date().isoformat(),
              "1:1 notes %s\n\n%s and %s talked about %s. %s\nNext 1:1 in two weeks.\n"
              % (date.date().isoformat(), PEOPLE[1][0], PEOPLE[i + 3][0],
                 TOPICS[i][0].lower(), TOPICS[i][1]))


# ------------------------------------------------------------- sales -------

def sales():
    for name, domain, city, contact in CUSTOMERS[:4]:
        robots = rng.randint(8, 60)
        docgen.write_docx(
            os.path.join(DEMO, "sales/proposal-%s.docx" % domain.split(".")[0]),
            "Proposal: Atlas fleet for %s" % name, "José Peña", "2025-0%d-1%dT10:00:00Z"
            % (rng.randint(2, 9), rng.randint(0, 9)), [
                ("h1", "Proposal: Atlas fleet for %s" % name),
                ("p", "Prepared for %s, %s warehouse in %s." % (contact, name, city)),
                ("h2", "Scope"),
                ("p", "%d Atlas AMRs with top modules, Hermes fleet manager and two docks for "
                      "every eight robots." % robots),
                ("h2", "Commercials"),
                ("table", [["Item", "Price"],
                           ["Robots-as-a-service", "1,450 EUR per robot per month"],
                           ["Installation", "%d EUR one-off" % (robots * 900)],
                           ["Term", "36 months"]]),
                ("h2", "Timeline"),
                ("p", "Site survey in week 1, mapping in week 3, go-live in week 8."),
            ])
    accounts = []
    for name, domain, city, contact in CUSTOMERS:
        accounts.append({
            "name": name, "city": city, "primary_contact": contact,
            "robots_deployed": rng.randint(0, 80), "plan": rng.choice(["pilot", "rollout"]),
            "account_owner": rng.choice(PEOPLE[5:9])[0],
            "created_at": "2024-%02d-%02dT09:00:00Z" % (rng.randint(1, 12), rng.randint(1, 28)),
        })
        write("sales/accounts/%s.json" % domain.split(".")[0], json.dumps({
            "title": "Account: %s" % name, "author": accounts[-1]["account_owner"],
            "created_at": accounts[-1]["created_at"], "account": accounts[-1],
            "notes": "%s runs a %s warehouse. Main goal: %s." % (
                name, rng.choice(["grocery", "spare parts", "pharma", "e-commerce"]),
                rng.choice(["cut walking time of pickers", "automate dock transfers",
                            "run a third shift without extra staff"]))}, indent=2,
            ensure_ascii=False) + "\n")
    write("sales/battlecard-competitors.md", """# Competitive battlecard
Author: Luca Bianchi
Date: 2025-05-05

## Against fixed conveyors

Atlas needs no floor installation, so layouts can change in a weekend.

## Against other AMR vendors

- Our battery lasts a full shift; most competitors need mid-shift swaps.
- Hermes manages robots and arms in one system.
- Robots-as-a-service pricing removes the upfront cost.
""")


def customers():
    base = datetime(2024, 11, 4, 9, 30, tzinfo=timezone.utc)
    questions = [
        ("Battery runtime in our cold room", "Our Atlas units in the 4 degree cold room seem to "
         "run about 8.5 hours instead of 10. Is that expected?",
         "Yes, LiFePO4 capacity drops at low temperature; the spec quotes 10 hours at room "
         "temperature. We can add an opportunity-charging stop in the cold zone."),
        ("Adding a second dock", "We would like to add another charging dock near bay 14. What "
         "does Hermes need?", "Place the dock, run the dock calibration mission and Hermes "
         "picks it up automatically."),
        ("Invoice question", "The March invoice lists 22 robots but we run 20.", "You are right; "
         "two robots were returned on 3 March. A credit note follows this week."),
        ("Map change for the new mezzanine", "We are opening a mezzanine area in June.",
         "Send us the floor plan; we schedule a mapping drive the weekend before opening."),
        ("Training for the night shift", "Can you train our night-shift leads?", "Lena will run "
         "two remote sessions next week; recordings go to your team space."),
        ("Robot stopped at door 3", "A robot keeps stopping at the fire door.", "The door "
         "threshold is above 20 mm; a small ramp fixes it, we ship one today."),
    ]
    count = 0
    for i in range(42):
        cust = CUSTOMERS[i % len(CUSTOMERS)]
        subject, question, answer = questions[i % len(questions)]
        date = base + timedelta(days=i * 11, hours=rng.randint(0, 8))
        staff = rng.choice([PEOPLE[8], PEOPLE[5], PEOPLE[4]])
        sender = "%s <%s@%s>" % (cust[3], cust[3].split()[0].lower(), cust[1])
        body_plain = "Hello %s,\n\n%s\n\nBest regards,\n%s\n%s\n" % (
            staff[0].split()[0], question, cust[3], cust[0])
        reply = "\n\n> %s\n\n%s\n" % (question, answer)
        msg_id = "<%d.%s@%s>" % (1000 + i, cust[1].split(".")[0], cust[1])
        headers = [
            "From: %s" % sender,
            "To: %s <%s>" % (staff[0], email_of(staff)),
            "Subject: %s" % subject if i % 2 == 0 else "Subject: Re: %s" % subject,
            "Date: %s" % format_datetime(date),
            "Message-ID: %s" % msg_id,
            "MIME-Version: 1.0",
        ]
        if i % 5 == 0:
            headers.insert(2, "Cc: %s <%s>" % (PEOPLE[9][0], email_of(PEOPLE[9])))
        if i % 3 == 0:
            boundary = "nw-%d" % i
            text = "\r\n".join(headers + [
                'Content-Type: multipart/mixed; boundary="%s"' % boundary, "",
                "--%s" % boundary, "Content-Type: text/plain; charset=utf-8", "",
                body_plain + (reply if i % 2 else ""),
                "--%s" % boundary,
                'Content-Type: application/pdf; name="site-plan-%d.pdf"' % i,
                'Content-Disposition: attachment; filename="site-plan-%d.pdf"' % i,
                "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQKJcOkw7zDtsOfCg==",
                "--%s--" % boundary, ""])
        elif i % 3 == 1:
            boundary = "alt-%d" % i
            text = "\r\n".join(headers + [
                'Content-Type: multipart/alternative; boundary="%s"' % boundary, "",
                "--%s" % boundary, "Content-Type: text/plain; charset=utf-8", "", body_plain,
                "--%s" % boundary, "Content-Type: text/html; charset=utf-8", "",
                "<html><body><p>%s</p></body></html>" % body_plain.replace("\n", "<br>"),
                "--%s--" % boundary, ""])
        else:
            text = "\r\n".join(headers + ["Content-Type: text/plain; charset=utf-8", "",
                                          body_plain + reply])
        write("customers/%s/%s-%02d.eml" % (cust[1].split(".")[0],
                                             date.date().isoformat(), i), text)
        count += 1
    # Support tickets as JSON
    statuses = ["open", "pending", "solved"]
    for i in range(24):
        cust = CUSTOMERS[(i * 3) % len(CUSTOMERS)]
        subject, question, answer = questions[(i + 2) % len(questions)]
        created = base + timedelta(days=i * 13)
        write("support/tickets/ticket-%d.json" % (4100 + i), json.dumps({
            "title": "Ticket %d: %s" % (4100 + i, subject),
            "author": cust[3], "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": (created + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "customer": {"name": cust[0], "site": cust[2]},
            "priority": rng.choice(["low", "normal", "high"]),
            "status": statuses[i % 3], "product": rng.choice(PRODUCTS),
            "description": question,
            "comments": [{"author": PEOPLE[8][0], "body": answer}],
        }, indent=2, ensure_ascii=False) + "\n")


# ------------------------------------------------------------- website -----

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="author" content="Northwind Marketing">
<meta name="date" content="{date}">
<style>body {{ font-family: sans-serif; }} .hero {{ color: #0a3d62; }}</style>
<script>window.trackingPixel = function () {{ return "analytics-beacon"; }};</script>
</head><body>
<nav><a href="/">Home</a> <a href="/products">Products</a> <a href="/careers">Careers</a></nav>
<main>
<h1>{title}</h1>
{body}
</main>
<footer>&copy; 2025 Northwind Robotics. Cookie settings. Imprint.</footer>
<script>trackingPixel();</script>
</body></html>
"""


def website():
    pages = {
        "index.html": ("Northwind Robotics - Warehouse robots that work every shift",
                       "<p>Northwind Robotics builds the Atlas autonomous mobile robot, the "
                       "Pallas picking arm and the Hermes fleet manager.</p>"
                       "<h2>Why Northwind</h2><ul><li>Full-shift battery</li>"
                       "<li>Live in eight weeks</li><li>Robots as a service</li></ul>"),
        "products/atlas.html": ("Atlas AMR", "<p>Atlas moves up to 600 kg and runs a full "
                                "shift on one charge. Fast charging takes two hours.</p>"
                                "<table><tr><th>Payload</th><th>Speed</th></tr><tr><td>600 kg"
                                "</td><td>2.0 m/s</td></tr></table>"),
        "products/hermes.html": ("Hermes fleet manager", "<p>Hermes assigns missions, plans "
                                 "charging and shows utilisation across all your sites.</p>"),
        "products/pallas.html": ("Pallas robotic arm", "<p>Pallas picks 900 items per hour from "
                                 "mixed bins with a learned grasp model.</p>"),
        "careers.html": ("Careers at Northwind Robotics", "<p>We are 120 people in Munich, Lyon "
                         "and Boston.</p><h2>Benefits</h2><ul><li>Generous parental leave</li>"
                         "<li>28 vacation days</li><li>Home-office budget</li></ul>"),
        "about.html": ("About Northwind Robotics", "<p>Founded in 2019 by Maya Okafor and "
                       "Daniel Reyes, Northwind has deployed over 900 robots in 40 "
                       "warehouses.</p>"),
        "security.html": ("Security at Northwind", "<p>Hermes Cloud is hosted in the EU and the "
                          "US, encrypts data at rest and in transit, and is ISO 27001 "
                          "certified.</p>"),
        "contact.html": ("Contact Northwind Robotics", "<p>Sales: sales@northwind-robotics.example"
                         "<br>Support: support@northwind-robotics.example</p>"),
    }
    for i, (case_name, domain, city, contact) in enumerate(CUSTOMERS):
        pages["customers/%s.html" % domain.split(".")[0]] = (
            "Case study: %s" % case_name,
            "<p>%s in %s runs %d Atlas robots. \"%s\" says %s.</p>" % (
                case_name, city, 10 + i * 6,
                rng.choice(["Our pickers walk 40% less.", "We added a third shift without "
                            "hiring.", "Dock transfers are fully automated now."]), contact))
    blog = [
        ("How we test battery life", "Every Atlas battery pack runs 200 charge cycles in our "
         "climate chamber before it ships."),
        ("Mapping a warehouse in one afternoon", "A technician drives Atlas once through the "
         "aisles; Hermes turns the scan into a map with zones and rules."),
        ("What robots-as-a-service means for CFOs", "Operating costs instead of capital "
         "expenditure, with maintenance included."),
    ]
    for i, (title, text) in enumerate(blog):
        pages["blog/post-%d.html" % (i + 1)] = (title, "<p>%s</p>" % text)
    for rel, (title, body) in pages.items():
        write("website/" + rel, PAGE.format(title=title, body=body, date="2025-0%d-01"
                                            % rng.randint(1, 9)))


def finance():
    docgen.write_pdf(os.path.join(DEMO, "finance/q2-2025-board-report.pdf"),
                     "Q2 2025 Board Report", "Sam Whitfield", "20250715080000", [
                         ("h1", "Q2 2025 Board Report"),
                         ("p", "Revenue grew to 6.8 million EUR in Q2 2025, up 41% year on year. "
                               "Recurring revenue from robots-as-a-service is now 64% of the "
                               "total."),
                         ("h2", "Fleet"), ("p", "912 robots deployed across 40 warehouses."),
                         ("h2", "Cash"), ("p", "Cash at the end of the quarter: 21.3 million "
                                               "EUR; runway 31 months at the current burn."),
                         ("h2", "Risks"), ("p", "Battery cell supply concentration and the "
                                                "slower decision cycles of large retailers."),
                     ])
    docgen.write_pdf(os.path.join(DEMO, "finance/security-whitepaper.pdf"),
                     "Hermes Cloud Security Whitepaper", "Tom Lindqvist", "20250501100000", [
                         ("h1", "Hermes Cloud Security Whitepaper"),
                         ("p", "This paper describes how Hermes Cloud protects customer data."),
                         ("h2", "Encryption"), ("p", "TLS 1.3 in transit; AES-256 at rest."),
                         ("h2", "Access"), ("p", "Single sign-on with hardware keys for all "
                                                 "staff; customer access is scoped per site."),
                         ("h2", "Backups"), ("p", "Point-in-time recovery for 30 days; daily "
                                                  "backups are tested monthly."),
                     ])
    docgen.write_docx(os.path.join(DEMO, "finance/vendor-contract-summary.docx"),
                      "Vendor Contract Summary: Cell Supplier", "Sam Whitfield",
                      "2025-04-11T14:00:00Z", [
                          ("h1", "Vendor Contract Summary: Cell Supplier"),
                          ("p", "Three-year supply agreement for LiFePO4 cells with fixed prices "
                                "for the first 18 months."),
                          ("table", [["Term", "Value"], ["Volume", "40,000 cells per year"],
                                     ["Price", "indexed to lithium carbonate after month 18"],
                                     ["Warranty", "3000 cycles to 80% capacity"]]),
                      ])
    for q, revenue in (("Q3 2024", 4.9), ("Q4 2024", 5.6), ("Q1 2025", 6.1)):
        write("finance/%s-summary.txt" % q.lower().replace(" ", "-"),
              "%s financial summary\n\nRevenue: %.1f million EUR\nGross margin: %d%%\n"
              "Robots deployed at quarter end: %d\n" % (q, revenue, rng.randint(38, 47),
                                                         rng.randint(600, 880)))


def engineering():
    docgen.write_docx(os.path.join(DEMO, "engineering/onboarding-guide.docx"),
                      "Engineering Onboarding Guide", "Daniel Reyes", "2025-02-20T09:00:00Z", [
                          ("h1", "Engineering Onboarding Guide"),
                          ("p", "Welcome to Northwind engineering. This guide gets you from "
                                "laptop to first merged change in your first week."),
                          ("h2", "Repositories"),
                          ("li", "atlas-firmware: the robot's real-time and navigation stack"),
                          ("li", "hermes: the fleet manager services"),
                          ("li", "sim: the warehouse simulator used in CI"),
                          ("h2", "Test hall"),
                          ("p", "Book the robot test hall in the calendar; safety training is "
                                "required before your first session."),
                      ])
    adrs = [
        ("Use PostgreSQL for Hermes mission state", "Missions need transactions across robots "
         "and docks; PostgreSQL with logical replication meets our scale."),
        ("Rust for the motor controller", "Memory safety without a garbage collector for the "
         "1 kHz control loop."),
        ("gRPC between robots and Hermes", "Streaming telemetry and typed contracts; fallback "
         "to MQTT on constrained sites."),
        ("One map format for robots and arms", "Pallas and Atlas share zones and rules so "
         "Hermes plans both."),
        ("Blue-green deployments for Hermes", "Zero-downtime releases and instant rollback."),
        ("Telemetry retention of 90 days", "Enough for support investigations, within data "
         "minimisation rules."),
    ]
    for i, (title, text) in enumerate(adrs):
        write("engineering/adr/%03d-%s.md" % (i + 1, title.lower().replace(" ", "-")[:40]),
              "# ADR %03d: %s\nAuthor: %s\nDate: 2024-%02d-10\n\n## Status\n\nAccepted\n\n"
              "## Context and decision\n\n%s\n\n## Consequences\n\nThe team revisits this "
              "decision if the assumptions above change.\n"
              % (i + 1, title, rng.choice(PEOPLE[1:5])[0], i + 2, text))
    write("engineering/hermes-api-notes.json", json.dumps({
        "title": "Hermes mission API overview", "author": "Grace Kim",
        "created_at": "2025-06-01T10:00:00Z",
        "endpoints": [
            {"method": "POST", "path": "/missions", "description": "create a transport mission"},
            {"method": "GET", "path": "/robots", "description": "list robots and battery state"},
            {"method": "POST", "path": "/docks/{id}/reserve", "description": "reserve a dock"},
        ]}, indent=2) + "\n")


def main():
    for sub in ("hr", "product", "ops", "meetings", "sales", "customers", "support", "website",
                "finance", "engineering"):
        shutil.rmtree(os.path.join(DEMO, sub), ignore_errors=True)
    hr()
    product()
    ops()
    meetings()
    sales()
    customers()
    website()
    finance()
    engineering()


if __name__ == "__main__":
    main()
