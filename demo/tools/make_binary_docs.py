#!/usr/bin/env python3
"""Write the PDF and DOCX documents of the Northwind Robotics demo workspace.

Python 3 standard library only. PDFs are written by hand as PDF 1.4 (standard
14 Helvetica fonts, WinAnsiEncoding, uncompressed content streams, exact xref
offsets); DOCX files are Office Open XML zips written with zipfile. Output is
deterministic (fixed dates, fixed zip timestamps).

    python3 demo/tools/make_binary_docs.py
"""

import os
import textwrap
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)

# A document is a title, an author, an ISO date and a list of blocks:
#   ("h1", text) ("h2", text) ("p", text) ("li", text) ("table", [[cells], ...])


# =========================================================================
# Content
# =========================================================================

ATLAS_SPEC = ("Atlas AMR Product Specification", "Priya Raman", "2025-03-10T12:00:00Z", [
    ("h1", "Atlas AMR Product Specification"),
    ("p", "Document NWR-SPEC-ATLAS-G2, revision F, 10 March 2025. Applies to Atlas AMR Gen 2 "
          "robots with firmware 3.6 or later. Northwind Robotics, Product Management Atlas."),
    ("h2", "1. Overview"),
    ("p", "Atlas is an autonomous mobile robot (AMR) that transports totes, bins and cases "
          "inside warehouses and distribution centres. It navigates with safety laser scanners "
          "and a site map, without reflectors, floor tape or rails, and is orchestrated by the "
          "Hermes fleet management software. Atlas lifts loads of up to 600 kg with its "
          "integrated lift top and works alongside people in shared aisles."),
    ("h2", "2. Key specifications"),
    ("table", [["Parameter", "Value"],
               ["Dimensions (L x W x H)", "1,150 x 780 x 360 mm (lift down)"],
               ["Weight (without payload)", "182 kg"],
               ["Payload", "600 kg on the lift top"],
               ["Lift stroke and time", "60 mm in 2.2 s"],
               ["Maximum speed", "1.8 m/s unloaded, 1.5 m/s with full payload"],
               ["Turning", "Differential drive, turns on the spot"],
               ["Battery", "48 V LiFePO4, 50 Ah (2.4 kWh)"],
               ["Battery life per charge", "10 hours runtime in typical mixed duty"],
               ["Fast charge", "2 hours from 10% to 100%"],
               ["Battery cycle life", "3,000 full cycles to 80% capacity"],
               ["Positioning accuracy", "+/- 10 mm at docking stations"],
               ["Operating temperature", "-25 C to +40 C (cold-store mode below 0 C)"],
               ["Ingress protection", "IP54"],
               ["Safety", "ISO 3691-4, PL d safety functions"]]),
    ("h2", "3. Battery life and charging"),
    ("p", "Atlas uses a 48 V lithium iron phosphate (LiFePO4) battery pack with 50 Ah capacity "
          "(2.4 kWh). LiFePO4 was chosen for thermal stability, long cycle life and the absence "
          "of cobalt. The battery management system (BMS) monitors every cell, balances the pack "
          "and reports state of charge and state of health to Hermes."),
    ("li", "Battery life per charge: 10 hours of runtime in typical mixed duty (60% driving, "
           "25% lifting, 15% idle, average payload 250 kg). Light duty reaches up to 13 hours; "
           "continuous driving with full payload about 7 hours."),
    ("li", "Fast charge: 2 hours from 10% to 100% at the Atlas charging dock rev C (60 A). "
           "Charging from 20% to 80% takes 70 minutes."),
    ("li", "Opportunity charging: a 10-minute top-up adds about 50 minutes of runtime. With "
           "opportunistic charging in Hermes, most sites run three shifts without dedicated "
           "charging breaks."),
    ("li", "Cycle life: 3,000 full charge cycles before capacity falls to 80% of the rated "
           "value. At one full cycle per day this corresponds to a battery service life of "
           "about 8 years; partial cycles count proportionally."),
    ("li", "Cold-store operation: at -25 C the pack heater keeps the cells above 5 C; runtime "
           "is reduced by about 15%. Charging takes place outside the freezer or at heated docks."),
    ("li", "Replacement: the pack is replaced in the field in 20 minutes through the side "
           "service hatch. Packs are recycled by the supplier under the EU Battery Regulation."),
    ("p", "Battery life depends on payload, speed, floor quality and temperature. Hermes shows "
          "the predicted remaining runtime for every robot; the state-of-charge estimate is "
          "accurate to within 3% (firmware 3.6 or later)."),
    ("h2", "4. Navigation and sensors"),
    ("li", "Two 270-degree safety laser scanners (front-left and rear-right corners), 360-degree "
           "coverage, protective field up to 4.5 m."),
    ("li", "Forward 3D depth camera for obstacles above scanner height (table tops, forks)."),
    ("li", "Wheel encoders and a 6-axis IMU fused for odometry at 200 Hz."),
    ("li", "Localization by scan matching against the NWMap site map; optional AprilTag "
           "fiducials for very long, identical aisles."),
    ("li", "Minimum aisle width: 1.2 m for one-way traffic, 2.0 m for passing robots."),
    ("h2", "5. Payload and lift"),
    ("p", "The lift top accepts standard 600 x 400 mm totes in stacks of up to four, roll "
          "cages, and custom racks with four feet. Maximum payload is 600 kg, evenly "
          "distributed, with the centre of gravity below 800 mm above the lift top. The "
          "depth camera rejects totes that overhang by more than 40 mm."),
    ("h2", "6. Safety and certifications"),
    ("li", "Designed to ISO 3691-4:2023 (driverless industrial trucks)."),
    ("li", "Safety functions to EN ISO 13849-1, performance level d."),
    ("li", "Emergency stop buttons on all four sides; visual and audible warnings."),
    ("li", "CE marking (Machinery Directive), UL 3100 for North America, FCC Part 15."),
    ("h2", "7. Connectivity and software"),
    ("li", "Wi-Fi 6 (802.11ax, 2.4 and 5 GHz) with 802.11r fast roaming; optional private 5G."),
    ("li", "Outbound-only gRPC over TLS 1.3 to Hermes on port 443."),
    ("li", "Signed over-the-air firmware updates, staged by Hermes."),
    ("li", "Integration with SAP EWM, Manhattan and Blue Yonder through Hermes."),
    ("h2", "8. Environment"),
    ("p", "Operating temperature -25 C to +40 C, relative humidity up to 90% non-condensing. "
          "Floor flatness per DIN 15185 or better; slopes up to 5%; thresholds up to 10 mm. "
          "Noise below 60 dB(A) at 1 m while driving."),
    ("h2", "9. Maintenance"),
    ("li", "Preventive maintenance every 2,000 operating hours: drive units, scanner windows, "
           "lift mechanism, charging contacts."),
    ("li", "Battery health check every 12 months; replacement recommended below 80% capacity."),
    ("li", "Remote diagnostics through Hermes; 4-hour on-site response with Premium support."),
    ("h2", "10. Revision history"),
    ("table", [["Rev", "Date", "Change"],
               ["D", "2024-06-10", "Connectivity updated for gRPC (firmware 3.2)"],
               ["E", "2024-10-14", "Elevator integration, cold-store mode"],
               ["F", "2025-03-10", "Battery life and charging section rewritten, dock rev C"]]),
])

HANDBOOK = ("Northwind Robotics Employee Handbook 2025", "Zoë Müller", "2025-01-06T09:00:00Z", [
    ("h1", "Northwind Robotics Employee Handbook 2025"),
    ("p", "Welcome to Northwind Robotics. This handbook summarises how we work together across "
          "Boston, Munich and Lyon. The detailed policies live in the HR folder; where this "
          "handbook and a policy differ, the policy wins, and local law wins over both."),
    ("h2", "1. Who we are"),
    ("p", "About 120 people building warehouse robots: the Atlas autonomous mobile robot, the "
          "Pallas picking arm and the Hermes fleet software. Founded in 2019 by Maya Okafor and "
          "Daniel Reyes. Our customers run distribution centres for food, medicines, fashion, "
          "car parts and beverages in seven countries."),
    ("h2", "2. Our values"),
    ("li", "Safety before speed. Anyone may stop a robot, a test or a deployment that looks unsafe."),
    ("li", "Say what we know, and what we don't. Customers forgive problems, not surprises."),
    ("li", "Build for the night shift. Our users work at 3 a.m.; design for them."),
    ("li", "Own the outcome. A ticket is closed when the customer's problem is solved."),
    ("h2", "3. Working hours and flexibility"),
    ("p", "Most roles are hybrid. Core collaboration hours are 15:00 to 17:00 CET. In Munich, "
          "the works agreement on working time defines flexitime and on-call rules; in Lyon, "
          "the forfait jours contract applies to most engineers. Field service schedules are "
          "planned four weeks ahead."),
    ("h2", "4. Time off"),
    ("p", "Vacation: 25 days in the US and France, 30 days in Germany, plus public holidays. "
          "Sick days are not counted against vacation. Time off for new parents is covered by "
          "the separate parental leave policy. Book time off in the HR portal."),
    ("h2", "5. Pay and benefits"),
    ("p", "Salaries are reviewed once a year in October, with changes effective on 1 January. "
          "Everyone receives stock options at hire. Benefits differ by country: US employees "
          "get medical, dental and vision insurance and a 401(k) match; German employees get a "
          "company pension (bAV) with a 20% employer top-up and the Deutschlandticket; French "
          "employees get a mutuelle with 70% employer share and meal vouchers."),
    ("h2", "6. Safety in the lab and on customer sites"),
    ("p", "Complete the safety induction before entering the test hall. Wear safety shoes and a "
          "high-visibility vest on customer sites. Report near misses within 24 hours; the "
          "safety log is blame-free. Never bypass a safety function, not even for a demo."),
    ("h2", "7. Information security"),
    ("p", "Use your hardware security key for every login. Customer floor plans and robot maps "
          "are confidential. Report lost devices within one hour to IT. Do not paste customer "
          "data into external AI tools that are not approved by Security."),
    ("h2", "8. Growth"),
    ("p", "Every employee has a learning budget of 1,500 EUR a year. Reviews happen in October "
          "with a mid-year check-in in April. Internal moves are encouraged after 12 months in "
          "a role; talk to your manager and the People team."),
    ("h2", "9. Who to ask"),
    ("table", [["Topic", "Contact"],
               ["Pay, contracts, benefits", "people@northwind-robotics.example"],
               ["Laptops and accounts", "it-help@northwind-robotics.example"],
               ["Expenses and travel", "Marta Kowalska, Finance"],
               ["Safety concerns", "Omar Haddad, safety officer"],
               ["Works council (Munich)", "Jonas Weber"],
               ["CSE (Lyon)", "Francois Lefevre"]]),
])

WHITEPAPER = ("Hermes and Atlas Security Whitepaper", "Hannah Berg", "2025-05-20T10:00:00Z", [
    ("h1", "Hermes and Atlas Security Whitepaper"),
    ("p", "Version 2.0, May 2025. This whitepaper describes how Northwind Robotics protects the "
          "robots on customer sites, the Hermes cloud service and the data that flows between "
          "them. It is written for customers' IT security and OT security teams."),
    ("h2", "1. Architecture"),
    ("p", "Robots connect outbound to Hermes over gRPC with mutual TLS 1.3. No inbound ports "
          "are opened on the customer network. An optional on-site edge gateway aggregates "
          "robot connections and keeps missions running for up to 30 minutes if the internet "
          "link fails. Hermes runs in two isolated regions: EU (Frankfurt) and US (Virginia)."),
    ("h2", "2. Robot security"),
    ("li", "Secure boot: the navigation computer verifies the bootloader and kernel signatures."),
    ("li", "Firmware images are signed in a separate pipeline with keys held in an HSM."),
    ("li", "Each robot has a unique device certificate provisioned at the factory in Boston."),
    ("li", "Service ports are disabled in operation and require a signed service token."),
    ("li", "Safety functions run on a separate controller and cannot be changed over the network."),
    ("h2", "3. Cloud security"),
    ("li", "Single sign-on with SAML or OIDC; role-based access with site-level scopes."),
    ("li", "Encryption at rest (AES-256) and in transit (TLS 1.2 or later)."),
    ("li", "Audit log of every user action, exportable to the customer's SIEM."),
    ("li", "Annual penetration tests by an external firm; last test March 2025, no critical findings."),
    ("li", "Backups every hour with point-in-time recovery; restores tested quarterly."),
    ("h2", "4. Data protection"),
    ("p", "Telemetry contains robot positions, sensor summaries and mission events. Operator "
          "badge IDs are pseudonymised on the robot. Raw telemetry is deleted after 90 days; "
          "hourly aggregates are kept for 3 years. Customer data stays in the chosen region. "
          "A data processing agreement under GDPR Article 28 is part of every contract."),
    ("h2", "5. Vulnerability management"),
    ("p", "Critical vulnerabilities are patched in Hermes within 72 hours and in robot firmware "
          "within 14 days, staged through the normal rollout process. Researchers can report "
          "issues to security@northwind-robotics.example; we acknowledge within 2 working days."),
    ("h2", "6. Compliance roadmap"),
    ("table", [["Framework", "Status"],
               ["ISO 27001", "Gap analysis November 2025, certification audit planned 2026"],
               ["IEC 62443-4-2 (robot components)", "Assessment planned for Atlas Gen 3"],
               ["SOC 2 Type II", "Under evaluation for US customers"],
               ["GDPR", "DPA, records of processing, DPO appointed"]]),
])

BOARD_REPORT = ("Board Report Q2 2025", "Sam Whitfield", "2025-08-04T08:00:00Z", [
    ("h1", "Board Report Q2 2025"),
    ("p", "Prepared for the board meeting of 12 August 2025 by Maya Okafor (CEO) and Sam "
          "Whitfield (CFO). Confidential."),
    ("h2", "1. Highlights"),
    ("li", "Revenue 7.6 M EUR, 2% above plan; H1 revenue 14.6 M EUR."),
    ("li", "Hardware gross margin up to 35% (Q1: 33%) after the drive-unit supplier change."),
    ("li", "Kessler Getraenke (Augsburg) live with 10 robots; pilot conversion expected Q1 2026."),
    ("li", "Hermes availability 99.98% in April to June after the reliability programme."),
    ("li", "Grasp Planner 2.0 reaches 97.3% first-attempt picks in the lab."),
    ("h2", "2. Financials"),
    ("table", [["EUR million", "Q2 2025", "Plan", "Q2 2024"],
               ["Revenue", "7.6", "7.45", "5.2"],
               ["Gross margin", "44%", "43%", "39%"],
               ["Operating expenses", "3.6", "3.7", "3.1"],
               ["EBITDA", "-0.3", "-0.5", "-1.4"],
               ["Cash at end of quarter", "17.9", "17.2", "24.6"]]),
    ("h2", "3. Customers and pipeline"),
    ("p", "Nine customers, 223 robots and 3 Pallas cells in the field. Net revenue retention "
          "116%. Weighted pipeline for H2 2025: 5.8 M EUR, including the Granite Foods "
          "mezzanine expansion and the Bluefin Grocers seasonal rental. The Acme Logistics "
          "renewal (Rotterdam and Venlo) is the largest item for H1 2026."),
    ("h2", "4. Product and engineering"),
    ("p", "Atlas Gen 3 EVT boards are running in the Munich test hall. The safety PLC supplier "
          "lead time of 16 weeks remains the main schedule risk; a buffer order of 60 units was "
          "placed. Hermes degraded mode shipped in June, closing the last action item from the "
          "March incident review."),
    ("h2", "5. People"),
    ("p", "Headcount 121 (plan 124). Employee survey participation 87%; the weakest score is "
          "career clarity in field service, addressed by a new career ladder. Two field "
          "engineers hired for the Chicago service hub opening in the autumn."),
    ("h2", "6. Risks"),
    ("table", [["Risk", "Likelihood", "Mitigation"],
               ["Gen 3 safety PLC lead time", "Medium", "Buffer stock, second source"],
               ["Customer concentration (Granite 15% of ARR)", "Medium", "US pipeline growth"],
               ["Cloud dependency concerns", "Low", "Degraded mode, edge gateway"],
               ["EUR/USD exposure", "Medium", "Natural hedge, quarterly review"]]),
    ("h2", "7. Decisions requested"),
    ("li", "Approve the Chicago service hub fit-out budget of 220 k EUR."),
    ("li", "Approve the start of Series C preparation for Q2 2026."),
])

PALLAS_DATASHEET = ("Pallas Piece-Picking Cell Datasheet", "Camille Durand", "2025-06-02T09:00:00Z", [
    ("h1", "Pallas Piece-Picking Cell Datasheet"),
    ("p", "Pallas is a robotic piece-picking cell fed with totes by Atlas robots and "
          "orchestrated by Hermes. Designed and integrated in Lyon, France."),
    ("h2", "Performance"),
    ("table", [["Parameter", "Value"],
               ["Throughput", "up to 650 picks per hour (mixed SKUs)"],
               ["First-attempt pick success", "97.3% (Grasp Planner 2.0, lab)"],
               ["Item weight", "5 g to 2.5 kg"],
               ["Item size", "20 x 20 x 5 mm to 400 x 300 x 250 mm"],
               ["Cycle time", "5.6 s median"]]),
    ("h2", "Arm and gripper"),
    ("li", "Six-axis arm, reach 1,300 mm, payload 7 kg, repeatability +/- 0.03 mm."),
    ("li", "Combined vacuum suction cup and two-finger gripper, automatic tool selection."),
    ("li", "Overhead RGB-D camera and a side camera for verification."),
    ("h2", "Cell"),
    ("li", "Footprint 2.4 x 1.8 m including the tote conveyor; height 2.3 m."),
    ("li", "Fencing on three sides; light curtain on the operator side."),
    ("li", "Power 400 V three-phase, 16 A; compressed air not required."),
    ("h2", "Software"),
    ("p", "The cell receives pick orders from Hermes, which schedules Atlas robots to bring "
          "source and target totes. SKU onboarding with automatic dimension capture takes about "
          "3 minutes per SKU. Audit trail suitable for GMP Annex 11 validation."),
    ("h2", "Ordering"),
    ("p", "List price 176,000 EUR / 189,000 USD per cell including commissioning of the cell. "
          "Lead time 14 weeks. Contact sales-eu@northwind-robotics.example."),
])

PROPOSAL = ("Proposal: Atlas AMR Fleet for Acme Logistics Venlo", "Luca Bianchi", "2025-02-26T16:00:00Z", [
    ("h1", "Proposal: Atlas AMR Fleet for Acme Logistics Venlo"),
    ("p", "Prepared for Hanna de Vries, Director of Operations, and Femke Bakker, Procurement, "
          "Acme Logistics B.V. Reference NWR-P-2025-017, valid until 30 April 2025."),
    ("h2", "1. Your goals"),
    ("p", "Acme Logistics opens its Venlo distribution centre (38,000 square metres) in "
          "September 2025. You asked for automated tote transport between the mezzanine and 14 "
          "outbound docks, integration with Blue Yonder WMS, and one Hermes tenant for "
          "Rotterdam and Venlo so that your control room sees both sites."),
    ("h2", "2. Proposed solution"),
    ("li", "23 Atlas AMR Gen 2 robots, sized by simulation of your Q4 2024 order data for a "
           "peak of 9,000 totes per hour."),
    ("li", "KONE elevator integration for both mezzanine lifts."),
    ("li", "8 charging docks rev C at the mezzanine edge and near docks 7 and 8."),
    ("li", "Hermes Enterprise, same tenant as Rotterdam, with the multi-site view from 2026."),
    ("h2", "3. Simulation results"),
    ("p", "At peak, 23 robots complete 9,240 tote moves per hour with an average mission time "
          "of 3 minutes 10 seconds and 78% utilisation, leaving headroom for 15% growth. With "
          "21 robots, peak throughput drops to 8,500 moves per hour."),
    ("h2", "4. Commercial offer"),
    ("table", [["Item", "Quantity", "Unit price (EUR)", "Total (EUR)"],
               ["Atlas AMR Gen 2", "23", "31,200", "717,600"],
               ["Charging dock rev C", "8", "4,100", "32,800"],
               ["Commissioning and elevator integration", "1", "58,000", "58,000"],
               ["Hermes Enterprise (per robot per month, 36 months)", "23", "117", "96,876"],
               ["Premium support (per robot per year, 3 years)", "23", "2,250", "155,250"]]),
    ("p", "Total for three years: 1,060,526 EUR excluding VAT. Robot prices include a 13% "
          "volume discount in recognition of the Rotterdam partnership."),
    ("h2", "5. Timeline"),
    ("li", "Contract signature by 31 March 2025."),
    ("li", "Site survey in June; robots delivered 18 August."),
    ("li", "Commissioning 18 August to 12 September; go-live 15 September 2025."),
    ("h2", "6. Why Northwind"),
    ("p", "Rotterdam has run 32 Atlas robots since 2023 at 99.9% mission success. Your team "
          "already knows Hermes, your IT already knows our network requirements, and your "
          "control room will see both sites on one screen."),
])

ONBOARDING = ("Engineering Onboarding Guide", "Daniel Reyes", "2025-04-22T09:00:00Z", [
    ("h1", "Engineering Onboarding Guide"),
    ("p", "For new engineers in firmware, navigation, Hermes and Pallas. Read it in your first "
          "week, together with the general onboarding checklist from the People team."),
    ("h2", "Your first week"),
    ("li", "Get your laptop, hardware key and accounts (GitHub, Jira, Grafana, Hermes staging)."),
    ("li", "Safety induction in the test hall (Munich) or on the demo floor (Boston)."),
    ("li", "Build and flash the Atlas simulator image; drive a simulated robot through Hermes staging."),
    ("li", "Meet your buddy and join the #eng-newcomers channel."),
    ("h2", "Repositories"),
    ("table", [["Repository", "What it contains", "Owner"],
               ["atlas-firmware", "Motor controller (Rust), safety co-processor (C)", "Aiko Tanaka"],
               ["atlas-nav", "Localization and planning (C++, ROS 2)", "Aiko Tanaka"],
               ["hermes", "Fleet management services (Go), web console (TypeScript)", "Ben Adeyemi"],
               ["pallas-vision", "Segmentation and grasp planning (Python, C++)", "Camille Durand"],
               ["northwind-protos", "Protobuf schemas shared by robots and cloud", "Ben Adeyemi"]]),
    ("h2", "How we work"),
    ("p", "Two-week sprints per team, a shared engineering sync every month, and architecture "
          "decision records for anything that is hard to reverse. Pull requests need one "
          "review, two for safety-related code. CI must be green before merging."),
    ("h2", "Your first 90 days"),
    ("li", "Day 30: ship a small change to production (a bug fix or a test)."),
    ("li", "Day 60: join a customer call or field visit."),
    ("li", "Day 90: join the on-call rotation as secondary (Hermes) or the HIL duty (firmware)."),
    ("h2", "Useful people"),
    ("p", "Tom Lindqvist for infrastructure and on-call, Hannah Berg for security questions, "
          "Omar Haddad for hardware and the test hall, Raj Mehta for telemetry and data."),
])

CONTRACT = ("Vendor Contract Summary: Lumen Sensorik AG", "Marta Kowalska", "2025-06-30T14:00:00Z", [
    ("h1", "Vendor Contract Summary: Lumen Sensorik AG"),
    ("p", "Summary of the supply agreement for safety laser scanners used on Atlas robots. "
          "Prepared by Finance with Legal for the contract review of June 2025. The full "
          "agreement (38 pages) is stored in the contract repository under NWR-C-2023-044."),
    ("h2", "Key terms"),
    ("table", [["Term", "Details"],
               ["Parties", "Lumen Sensorik AG (Freiburg) and Northwind Robotics GmbH"],
               ["Products", "LS-270 safety laser scanner, PL d, and spare parts"],
               ["Term", "1 October 2023 to 30 September 2026, renews for 1 year unless cancelled"],
               ["Notice period", "6 months before the end of the term"],
               ["Price", "1,020 EUR per scanner (0-800 units/year), 960 EUR above 800"],
               ["Annual spend 2024", "2.05 M EUR"],
               ["Lead time", "10 weeks; 4 weeks from consignment stock in Munich"],
               ["Warranty", "36 months from delivery"],
               ["Liability cap", "150% of the annual contract value"]]),
    ("h2", "Obligations"),
    ("li", "Northwind provides a rolling 12-month forecast every quarter; the next 3 months are binding."),
    ("li", "Lumen keeps consignment stock of 60 scanners in Munich."),
    ("li", "Lumen notifies product changes 12 months in advance (safety recertification)."),
    ("h2", "Risks and recommendations"),
    ("p", "Lumen is a single source for a safety-critical component. Recommendation: start "
          "qualification of a second scanner for Atlas Gen 3 before the notice date of 31 March "
          "2026, and negotiate a last-time-buy clause for the LS-270 in the renewal."),
])

ROADMAP = ("Hermes Product Roadmap 2026", "Grace Kim", "2025-11-24T10:00:00Z", [
    ("h1", "Hermes Product Roadmap 2026"),
    ("p", "Draft for the leadership review of December 2025. Themes are ranked; dates are "
          "targets, not commitments to customers."),
    ("h2", "Themes"),
    ("li", "Multi-site operations: one view and shared analytics for customers with several sites."),
    ("li", "Atlas Gen 3 launch: fleet support for mixed Gen 2 and Gen 3 fleets."),
    ("li", "Analytics: OData export, shift handover reports, congestion forecasts."),
    ("li", "Partner API: third-party robots (pallet movers) managed by Hermes."),
    ("h2", "Timeline"),
    ("table", [["Quarter", "Deliverables"],
               ["Q1 2026", "Multi-site view (FR-176), shift handover report (FR-201)"],
               ["Q2 2026", "OData analytics export, HMI in German and French"],
               ["Q3 2026", "Gen 3 support, mixed fleets, new safety PLC telemetry"],
               ["Q4 2026", "Partner API beta with one pallet-mover vendor"]]),
    ("h2", "Not planned for 2026"),
    ("p", "On-premises Hermes installations, forklift detection from ceiling cameras (FR-188, "
          "research continues), and Pallas shelf picking (FR-164)."),
    ("h2", "Success measures"),
    ("li", "Availability of 99.95% in both regions."),
    ("li", "Three customers using the multi-site view by the end of Q2."),
    ("li", "Mission latency at shift change below 2 minutes at every site."),
])

PDFS = [
    ("product/atlas-amr-spec.pdf", ATLAS_SPEC, "D:20250310120000Z"),
    ("product/pallas-datasheet.pdf", PALLAS_DATASHEET, None),
    ("hr/employee-handbook.pdf", HANDBOOK, None),
    ("engineering/security-whitepaper.pdf", WHITEPAPER, None),
    ("finance/q2-2025-board-report.pdf", BOARD_REPORT, None),
]

DOCXS = [
    ("product/atlas-amr-spec.docx", ATLAS_SPEC),
    ("product/hermes-roadmap-2026.docx", ROADMAP),
    ("sales/proposal-acme-logistics-venlo.docx", PROPOSAL),
    ("engineering/onboarding-guide.docx", ONBOARDING),
    ("finance/vendor-contract-summary-lumen.docx", CONTRACT),
]


# =========================================================================
# PDF writer
# =========================================================================

WRAP = 90
LINES_PER_PAGE = 48


def pdf_lines(blocks):
    """Flatten blocks into (font, text) lines, wrapped at WRAP characters."""
    out = []
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            if out:
                out.append(("F1", ""))
            for line in textwrap.wrap(value, WRAP):
                out.append(("F2", line))
            out.append(("F1", ""))
        elif kind == "p":
            out += [("F1", line) for line in textwrap.wrap(value, WRAP)]
            out.append(("F1", ""))
        elif kind == "li":
            wrapped = textwrap.wrap(value, WRAP - 4)
            out.append(("F1", "-  " + wrapped[0]))
            out += [("F1", "   " + line) for line in wrapped[1:]]
        elif kind == "table":
            for row in value:
                out += [("F1", line) for line in textwrap.wrap(" | ".join(row), WRAP)]
            out.append(("F1", ""))
    while out and out[-1][1] == "":
        out.pop()
    return out


def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding, escaped, ASCII-only bytes."""
    data = text.replace("\u2014", "-").replace("\u2013", "-").encode("cp1252", "replace")
    parts = []
    for b in data:
        c = chr(b)
        if c in "()\\":
            parts.append("\\" + c)
        elif 32 <= b < 127:
            parts.append(c)
        else:
            parts.append("\\%03o" % b)
    return "(" + "".join(parts) + ")"


def info_date(iso):
    return "D:" + iso.replace("-", "").replace("T", "").replace(":", "")


def write_pdf(rel, doc, created=None):
    title, author, iso, blocks = doc
    lines = pdf_lines(blocks)
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    # Object numbers: 1 catalog, 2 pages, 3 font F1, 4 font F2, 5 info,
    # then per page: page object, content stream.
    objects = {}
    kids = []
    for n, page in enumerate(pages):
        page_obj, content_obj = 6 + 2 * n, 7 + 2 * n
        kids.append(page_obj)
        ops = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"]
        font = "F1"
        for f, text in page:
            if f != font:
                ops.append("/%s 11 Tf" % f)
                font = f
            ops.append("%s Tj T*" % pdf_string(text))
        ops.append("ET")
        footer = "BT /F1 8 Tf 72 40 Td %s Tj ET" % pdf_string(
            "%s - page %d of %d" % (title, n + 1, len(pages)))
        stream = ("\n".join(ops) + "\n" + footer + "\n").encode("ascii")
        objects[content_obj] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream"
        objects[page_obj] = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                             "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                             "/Contents %d 0 R >>" % content_obj).encode("ascii")
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join("%d 0 R" % k for k in kids), len(kids))).encode("ascii")
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    created = created or info_date(iso)
    objects[5] = ("<< /Title %s /Author %s /Creator (Northwind Robotics document tools) "
                  "/Producer (make_binary_docs.py) /CreationDate (%s) /ModDate (%s) >>" % (
                      pdf_string(title), pdf_string(author), created, created)).encode("ascii")
    size = max(objects) + 1
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = [0] * size
    for num in range(1, size):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, xref))
    path = os.path.join(DEMO, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    return len(pages)


# =========================================================================
# DOCX writer
# =========================================================================

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
  <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
  <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
  <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>
"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
  <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>
"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>
"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="%s">
  <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:spacing w:after="120"/></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="0B3D5C"/><w:sz w:val="36"/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:color w:val="0B3D5C"/><w:sz w:val="28"/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style>
  <w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>
</w:styles>
""" % W_NS


def w_par(text, style=None, bold=False):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return '<w:p>%s<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (ppr, rpr, escape(text))


def w_table(rows):
    cols = len(rows[0])
    width = 9000 // cols
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>',
           "<w:tblGrid>%s</w:tblGrid>" % ('<w:gridCol w:w="%d"/>' % width * cols)]
    for r, row in enumerate(rows):
        out.append("<w:tr>")
        for cell in row:
            out.append('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>'
                       % (width, w_par(cell, bold=(r == 0))))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def write_docx(rel, doc):
    title, author, iso, blocks = doc
    body = []
    for kind, value in blocks:
        if kind == "h1":
            body.append(w_par(value, "Heading1"))
        elif kind == "h2":
            body.append(w_par(value, "Heading2"))
        elif kind == "p":
            body.append(w_par(value))
        elif kind == "li":
            body.append(w_par("\u2022 " + value, "ListBullet"))
        elif kind == "table":
            body.append(w_table(value))
            body.append("<w:p/>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="%s"><w:body>%s'
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>'
                "</w:body></w:document>\n" % (W_NS, "".join(body)))
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>%s</dc:title><dc:creator>%s</dc:creator><cp:lastModifiedBy>%s</cp:lastModifiedBy>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>'
            "</cp:coreProperties>\n" % (escape(title), escape(author), escape(author), iso, iso))
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>Northwind Robotics document tools</Application><Company>Northwind Robotics</Company>"
           "</Properties>\n")
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
             ("word/document.xml", document), ("word/_rels/document.xml.rels", DOC_RELS),
             ("word/styles.xml", STYLES), ("docProps/core.xml", core), ("docProps/app.xml", app)]
    path = os.path.join(DEMO, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 10, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))


def main():
    for rel, doc, created in PDFS:
        pages = write_pdf(rel, doc, created)
        print("wrote demo/%s (%d pages)" % (rel, pages))
    for rel, doc in DOCXS:
        write_docx(rel, doc)
        print("wrote demo/%s" % rel)


if __name__ == "__main__":
    main()
