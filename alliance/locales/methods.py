"""Texts of the Methods page: what every figure means, the settings in force, and the research behind them.

Follows docs/methods.md, docs/methods_figures.md and docs/methods_models.md; where
they differ, the docs (and the data contract behind them) are right.
"""
TEXT = {
    'methods.title': {
        'en': 'Methods',
        'nb': 'Metode',
    },
    'methods.intro': {
        'en': (
                'How every number on this dashboard is defined, which thresholds are in force for this clinic, and '
                'the research each figure rests on. The figures describe patterns to talk about in supervision; none '
                'of them is a verdict on a client or a therapist.'
        ),
        'nb': (
                'Hvordan hvert tall i dette dashbordet er definert, hvilke terskler som gjelder for denne klinikken, '
                'og forskningen hver figur bygger på. Figurene viser mønstre å snakke om i veiledning; ingen av dem '
                'er en dom over en klient eller en terapeut.'
        ),
    },
    'methods.alliance.title': {
        'en': 'The alliance and how it is measured',
        'nb': 'Alliansen og hvordan den måles',
    },
    'methods.alliance.body': {
        'en': (
                'The **therapeutic alliance** is the agreement between client and therapist on the *goals* of therapy'
                ' and the *tasks* that serve them, and the *bond* between them (Bordin 1979). Across 295 studies a '
                'better alliance goes with a better outcome, at about r = .28 (Flückiger, Del Re, Wampold & Horvath '
                '2018). The dashboard uses three short forms that clinics fill in routinely:'
        ),
        'nb': (
                'Den **terapeutiske alliansen** er enigheten mellom klient og terapeut om *målene* for terapien og '
                '*oppgavene* som tjener dem, og *båndet* mellom dem (Bordin 1979). I 295 studier henger en bedre '
                'allianse sammen med bedre utfall, omtrent r = 0,28 (Flückiger, Del Re, Wampold & Horvath 2018). '
                'Dashbordet bruker tre korte skjemaer som klinikkene fyller ut rutinemessig:'
        ),
    },
    'methods.srs': {
        'en': (
                '**Session Rating Scale (SRS)** — the client rates the session just ended on four 0–10 lines: the '
                'relationship, goals and topics, approach or method, and overall. The total runs from 0 to 40 and is '
                'the *alliance score* of most figures. Many clients rate near the top (a ceiling), so a small fall '
                'can matter (Duncan et al. 2003).'
        ),
        'nb': (
                '**Session Rating Scale (SRS)** — klienten vurderer timen som nettopp er slutt på fire linjer fra 0 '
                'til 10: relasjonen, mål og tema, tilnærming eller metode, og totalt. Summen går fra 0 til 40 og er '
                '*allianseskåren* i de fleste figurene. Mange klienter skårer nær toppen (en takeffekt), så et lite '
                'fall kan bety noe (Duncan mfl. 2003).'
        ),
    },
    'methods.wai': {
        'en': (
                '**Working Alliance Inventory, short revised (WAI-SR)** — twelve statements rated 1–5, by the client '
                'and, on its own form, by the therapist. The mean runs from 1 to 5; its three parts are *task* (items'
                ' 1, 2, 10, 12), *bond* (3, 5, 7, 9) and *goal* (4, 6, 8, 11), each the mean of its items (Hatcher & '
                'Gillaspy 2006). Where both filled it in, the *discrepancy* shows whether the two see the '
                'relationship alike.'
        ),
        'nb': (
                '**Working Alliance Inventory, kort revidert (WAI-SR)** — tolv utsagn vurdert 1–5, av klienten og, på'
                ' sitt eget skjema, av terapeuten. Gjennomsnittet går fra 1 til 5; de tre delene er *oppgave* (ledd '
                '1, 2, 10, 12), *bånd* (3, 5, 7, 9) og *mål* (4, 6, 8, 11), hver gjennomsnittet av sine ledd (Hatcher'
                ' & Gillaspy 2006). Der begge har fylt ut, viser *avviket* om de to ser relasjonen likt.'
        ),
    },
    'methods.ors': {
        'en': (
                '**Outcome Rating Scale (ORS)** — at the start of a session the client rates how things are going on '
                'four 0–10 lines: individually, in close relationships, socially, and overall. The total (0–40) '
                'follows the *outcome*: below the clinical cutoff ({ors_cutoff}) is the range of people seeking help,'
                ' and a change of at least {ors_rci} points is a reliable change (Miller et al. 2003).'
        ),
        'nb': (
                '**Outcome Rating Scale (ORS)** — ved starten av timen vurderer klienten hvordan det går på fire '
                'linjer fra 0 til 10: individuelt, i nære relasjoner, sosialt og totalt. Summen (0–40) følger '
                '*utfallet*: under den kliniske grenseverdien ({ors_cutoff}) er nivået til folk som søker hjelp, og '
                'en endring på minst {ors_rci} poeng er en pålitelig endring (Miller mfl. 2003).'
        ),
    },
    'methods.counting.title': {
        'en': 'Which sessions count',
        'nb': 'Hvilke timer som teller',
    },
    'methods.counting.body': {
        'en': (
                'Every figure uses **attended** sessions only: cancelled sessions and no-shows are kept but never '
                "counted. A session is **rated** when the client's form for it has an SRS total. A client is a client"
                " id within a clinic, a therapist a therapist id within a clinic; a client's rated sessions are put "
                'in order by session number, then date. Scores keep two decimals and are compared exactly: a fall '
                'from 35.3 to 33.3 is a drop of exactly 2. A mean over nothing is shown empty, never as zero, and '
                'every mean stands beside the number of sessions or clients it rests on.'
        ),
        'nb': (
                'Alle figurer bruker bare **gjennomførte** timer: avlyste timer og timer klienten ikke møtte til '
                'beholdes, men telles aldri. En time er **utfylt** når klientens skjema for den har en SRS-sum. En '
                'klient er en klient-ID i en klinikk, en terapeut en terapeut-ID i en klinikk; klientens utfylte '
                'timer ordnes etter timenummer og så dato. Skårer har to desimaler og sammenlignes eksakt: et fall '
                'fra 35,3 til 33,3 er et fall på nøyaktig 2. Et gjennomsnitt av ingenting vises tomt, aldri som null,'
                ' og hvert gjennomsnitt står ved siden av antallet timer eller klienter det bygger på.'
        ),
    },
    'methods.definitions.title': {
        'en': 'Definitions',
        'nb': 'Definisjoner',
    },
    'methods.col.figure': {
        'en': 'Figure',
        'nb': 'Mål',
    },
    'methods.col.meaning': {
        'en': 'What it means',
        'nb': 'Hva det betyr',
    },
    'methods.def.score.name': {
        'en': 'alliance score',
        'nb': 'allianseskår',
    },
    'methods.def.score.meaning': {
        'en': "the client's SRS total at a rated session, 0 to 40",
        'nb': 'klientens SRS-sum i en utfylt time, 0 til 40',
    },
    'methods.def.low.name': {
        'en': 'low-alliance session',
        'nb': 'time med lav allianse',
    },
    'methods.def.low.meaning': {
        'en': 'a rated session whose SRS total is below the cutoff, {srs_cutoff}',
        'nb': 'en utfylt time med SRS-sum under grenseverdien, {srs_cutoff}',
    },
    'methods.def.month.name': {
        'en': 'month',
        'nb': 'måned',
    },
    'methods.def.month.meaning': {
        'en': 'the calendar month of the session date',
        'nb': 'kalendermåneden for timens dato',
    },
    'methods.def.rupture.name': {
        'en': 'rupture',
        'nb': 'brudd',
    },
    'methods.def.rupture.meaning': {
        'en': (
                "a rated session whose SRS total is at least {rupture_drop} points below the same client's previous "
                'rated session'
        ),
        'nb': (
                'en utfylt time der SRS-summen er minst {rupture_drop} poeng lavere enn i samme klients forrige '
                'utfylte time'
        ),
    },
    'methods.def.repaired.name': {
        'en': 'repaired rupture',
        'nb': 'reparert brudd',
    },
    'methods.def.repaired.meaning': {
        'en': (
                "one of the client's next {repair_window} rated sessions scores at least as high as the session "
                'before the rupture'
        ),
        'nb': 'en av klientens {repair_window} neste utfylte timer skårer minst like høyt som timen før bruddet',
    },
    'methods.def.unrepaired.name': {
        'en': 'unrepaired rupture',
        'nb': 'ureparert brudd',
    },
    'methods.def.unrepaired.meaning': {
        'en': 'the next {repair_window} rated sessions exist, and none gets back to the score before the rupture',
        'nb': 'de {repair_window} neste utfylte timene finnes, og ingen kommer tilbake til skåren før bruddet',
    },
    'methods.def.open.name': {
        'en': 'open rupture',
        'nb': 'åpent brudd',
    },
    'methods.def.open.meaning': {
        'en': 'fewer than {repair_window} rated sessions have followed and none has got back yet: too early to say',
        'nb': 'færre enn {repair_window} utfylte timer har fulgt, og ingen er tilbake ennå: for tidlig å si',
    },
    'methods.def.discrepancy.name': {
        'en': 'discrepancy',
        'nb': 'avvik',
    },
    'methods.def.discrepancy.meaning': {
        'en': (
                "at an attended session where both filled in the WAI-SR: the client's mean minus the therapist's "
                '(positive: the client sees the alliance as stronger)'
        ),
        'nb': (
                'i en gjennomført time der begge fylte ut WAI-SR: klientens gjennomsnitt minus terapeutens (positivt:'
                ' klienten ser alliansen som sterkere)'
        ),
    },
    'methods.def.completion.name': {
        'en': 'completion rate',
        'nb': 'svarandel',
    },
    'methods.def.completion.meaning': {
        'en': 'attended sessions with a client SRS total, as a percentage of attended sessions',
        'nb': 'gjennomførte timer med klientens SRS-sum, i prosent av gjennomførte timer',
    },
    'methods.def.ors.name': {
        'en': 'first and last ORS',
        'nb': 'første og siste ORS',
    },
    'methods.def.ors.meaning': {
        'en': "the ORS total at the client's earliest and latest attended session (by session number) that has one",
        'nb': 'ORS-summen i klientens første og siste gjennomførte time (etter timenummer) som har en',
    },
    'methods.def.outcome.name': {
        'en': 'outcome category',
        'nb': 'utfallskategori',
    },
    'methods.def.outcome.meaning': {
        'en': (
                'fewer than 2 ORS totals: *insufficient*. Otherwise, with change = last minus first: *recovered* when'
                ' the client started below {ors_cutoff}, ended at or above it and changed by at least {ors_rci}; '
                '*improved* when the change is at least {ors_rci}; *deteriorated* when it is at most −{ors_rci}; else'
                ' *unchanged*'
        ),
        'nb': (
                'færre enn 2 ORS-summer: *for lite data*. Ellers, med endring = siste minus første: *friskmeldt* når '
                'klienten startet under {ors_cutoff}, endte på eller over og endret seg minst {ors_rci}; *bedret* når'
                ' endringen er minst {ors_rci}; *forverret* når den er høyst −{ors_rci}; ellers *uendret*'
        ),
    },
    'methods.def.early.name': {
        'en': 'early alliance',
        'nb': 'tidlig allianse',
    },
    'methods.def.early.meaning': {
        'en': "the mean SRS total of the client's first {early_sessions} rated sessions",
        'nb': 'gjennomsnittlig SRS-sum i klientens {early_sessions} første utfylte timer',
    },
    'methods.def.few.name': {
        'en': 'too few to compare',
        'nb': 'for få til å sammenligne',
    },
    'methods.def.few.meaning': {
        'en': 'a therapist or group with fewer than {min_clients} clients is shown, but not ranked or judged',
        'nb': 'en terapeut eller gruppe med færre enn {min_clients} klienter vises, men rangeres eller vurderes ikke',
    },
    'methods.def.hidden.name': {
        'en': 'hidden cell',
        'nb': 'skjult celle',
    },
    'methods.def.hidden.meaning': {
        'en': 'where a figure about groups includes clinics other than your own, a month, session number or '
              'category with 1 to {suppress_below_minus_one} of their clients is shown without figures, and so is one '
              'more where a hidden one could otherwise be worked out from a total (exports: every cell under '
              '{suppress_below} clients)',
        'nb': 'der en figur om grupper tar med andre klinikker enn din egen, vises en måned, et timenummer eller en '
              'kategori med 1 til {suppress_below_minus_one} av deres klienter uten tall, og én til der en skjult '
              'ellers kunne regnes ut fra en sum (eksport: hver celle under {suppress_below} klienter)',
    },
    'methods.definitions.note': {
        'en': (
                "Ruptures are found on a client's whole history, so a rupture early in a period is found even when "
                'the session before it lies before the period; the period decides which ruptures are shown. First and'
                ' last ORS are taken within the period.'
        ),
        'nb': (
                'Brudd finnes i klientens hele forløp, så et brudd tidlig i en periode finnes selv om timen før '
                'ligger før perioden; perioden avgjør hvilke brudd som vises. Første og siste ORS tas innenfor '
                'perioden.'
        ),
    },
    'methods.ruptures.title': {
        'en': 'Ruptures and repair',
        'nb': 'Brudd og reparasjon',
    },
    'methods.ruptures.body': {
        'en': (
                'A **rupture** is a deterioration in the alliance. Ruptures are common and not in themselves a sign '
                'of poor therapy: what matters is whether they are **repaired**. Across studies, rupture repair goes '
                'with better outcome (Eubanks, Muran & Safran 2018). The dashboard therefore follows each drop of at '
                "least {rupture_drop} points to the client's next {repair_window} rated sessions: back at the earlier"
                ' score is *repaired*, not back is *unrepaired*, and too few sessions yet is *open*. An unrepaired or'
                ' open rupture is a good thing to bring to supervision; ask the client in words how the work is '
                'going.'
        ),
        'nb': (
                'Et **brudd** er en forverring av alliansen. Brudd er vanlige og i seg selv ikke et tegn på dårlig '
                'terapi: det viktige er om de **repareres**. På tvers av studier henger reparerte brudd sammen med '
                'bedre utfall (Eubanks, Muran & Safran 2018). Dashbordet følger derfor hvert fall på minst '
                '{rupture_drop} poeng til klientens {repair_window} neste utfylte timer: tilbake på skåren fra før '
                'er *reparert*, ikke tilbake er *ureparert*, og for få timer ennå er *åpent*. Et ureparert eller '
                'åpent brudd er godt å ta med i veiledning; spør klienten med ord hvordan arbeidet går.'
        ),
    },
    'methods.fair.title': {
        'en': 'Comparing therapists fairly',
        'nb': 'Rettferdig sammenligning av terapeuter',
    },
    'methods.fair.body': {
        'en': (
                'Therapists differ in the alliances they form and in their outcomes (Baldwin & Imel 2013), but a '
                "therapist's plain average over a small caseload is noisy: one very happy or unhappy client moves it "
                'far. The dashboard compares therapists in three ways that allow for this.\n\n- **Funnel plot** '
                "(Spiegelhalter 2005). The client is the unit: each client's scores are compared with what the "
                "clinic's clients usually give at the same session number, and a therapist's point is the mean over "
                'their clients, against the number of clients. The limits (95 % and 99.8 %) allow for the client and '
                'session variation that the clinic\'s model estimates, and for the ordinary spread between '
                'therapists, estimated robustly from the therapists themselves (winsorised z-scores). Without any '
                'special therapist about 1 in 20 falls outside the 95 % limits and about 1 in 500 outside the 99.8 % '
                'limits; a point outside the 99.8 % limits is unusual even among ordinary therapists. It cannot say '
                'why: case mix beyond session number is not allowed for.\n- **Model-based comparison.** A mixed model separates the '
                "therapist's part from the client's part and from session noise, allows for the usual rise over the "
                "first sessions, and pulls estimates from small caseloads towards the clinic's level (shrinkage; "
                'Robinson 1991). Read the intervals before the ranks. Two intervals that overlap can still hide a real '
                'difference (Goldstein & Healy 1995), so do not read overlap as "no difference"; the funnel is the '
                'test.'
                ' Rankings are unstable over short periods (Schiefele et al. 2017), so the page shows, instead of a '
                'rank, the probability that a therapist lies above the average (Goldstein & Spiegelhalter 1996), and '
                'only for therapists whose estimate is reliable enough (reliability at least {min_reliability}, as in '
                'ACORN).\n- **Therapist share of the '
                'variation** (intraclass correlation; Shrout & Fleiss 1979): how much of the variation in alliance '
                'scores lies between therapists rather than between clients or sessions (Baldwin, Wampold & Imel '
                '2007; Del Re et al. 2012).\n\nTherapists or groups with fewer than {min_clients} clients are shown but'
                ' not ranked or judged. Clients are not assigned at random and case mix is adjusted only for the '
                'intake ORS, so use a comparison to start a conversation, not to judge. When the model cannot be '
                'fitted for a selection (one therapist, say, or every score the same), the page says why in one '
                'sentence and shows the plain means instead, without intervals or ranks.'
        ),
        'nb': (
                'Terapeuter er forskjellige i alliansene de skaper og i utfallene (Baldwin & Imel 2013), men en '
                'terapeuts rene gjennomsnitt over en liten klientliste er usikkert: én svært fornøyd eller misfornøyd'
                ' klient flytter det langt. Dashbordet sammenligner terapeuter på tre måter som tar høyde for dette.'
                '\n\n- **Traktdiagram** (Spiegelhalter 2005). Enheten er klienten: hver klients skårer sammenlignes '
                'med det klinikkens klienter vanligvis gir ved samme timenummer, og terapeutens punkt er '
                'gjennomsnittet over klientene, mot antall klienter. Grensene (95 % og 99,8 %) tar høyde for '
                'variasjonen mellom klienter og mellom timer som klinikkens modell anslår, og for den vanlige '
                'spredningen mellom terapeuter, anslått robust fra terapeutene selv (winsoriserte z-skårer). Uten '
                'noen spesiell terapeut havner omtrent 1 av 20 utenfor 95 %-grensene og omtrent 1 av 500 utenfor '
                '99,8 %-grensene; et punkt utenfor 99,8 %-grensene er uvanlig også blant vanlige terapeuter. Det sier '
                'ikke hvorfor: klientsammensetning utover timenummer er ikke justert for.'
                '\n- **Modellbasert sammenligning.** En blandet modell skiller terapeutens del fra klientens del og '
                'fra variasjon mellom timer, tar høyde for den vanlige økningen over de første timene, og trekker '
                'estimater fra små klientlister mot klinikkens nivå (krymping; Robinson 1991). Les intervallene før '
                'rangeringen. To intervaller som overlapper, kan likevel skjule en reell forskjell (Goldstein & Healy '
                '1995), så les ikke overlapp som «ingen forskjell»; traktdiagrammet er testen. Rangeringer er ustabile '
                'over korte '
                'perioder (Schiefele mfl. 2017), så siden viser i stedet for en rangering sannsynligheten for at en '
                'terapeut ligger over gjennomsnittet (Goldstein & Spiegelhalter 1996), og bare for terapeuter med et '
                'pålitelig nok estimat (reliabilitet minst {min_reliability}, som i ACORN).\n- **Terapeutenes andel av '
                'variasjonen** (intraklassekorrelasjon; '
                'Shrout & Fleiss 1979): hvor mye av variasjonen i allianseskårer som ligger mellom terapeuter heller '
                'enn mellom klienter eller timer (Baldwin, Wampold & Imel 2007; Del Re mfl. 2012).\n\nTerapeuter eller '
                'grupper med færre enn {min_clients} klienter vises, men rangeres eller vurderes ikke. Klienter '
                'fordeles ikke tilfeldig, og klientsammensetningen justeres bare for ORS ved start, så bruk en '
                'sammenligning til å starte en samtale, ikke til å dømme. Når modellen ikke kan tilpasses for et '
                'utvalg (for eksempel med én terapeut, eller når alle skårene er like), sier siden hvorfor i én '
                'setning og viser ujusterte gjennomsnitt i stedet, uten intervaller og uten rangering.'
        ),
    },
    'methods.etr.title': {
        'en': 'Expected treatment response: is the client on track?',
        'nb': 'Forventet behandlingsforløp: er klienten på sporet?',
    },
    'methods.etr.body': {
        'en': (
                "From the clinic's own clients, a model learns how ORS scores usually move after intake for someone "
                'who started at a given ORS: clients who start low tend to gain more, clients who start high gain '
                'little. The intake is the client\'s first ORS in their whole history. A client is **not on track** '
                'when their last two ORS lie below the band that {track_band} % of the clinic\'s scores fall below at '
                'the same point of treatment (one low score is too often noise). This follows the expected recovery '
                'curves of established feedback systems (Finch, Lambert & Schaalje 2001; Lambert et al. 2002; Miller '
                'et al. 2005), which reduce deterioration when therapists act on the signal (Lambert, Whipple & '
                'Kleinstäuber 2018). The curve describes the usual course in this clinic, not a standard of good '
                'care; a flag invites a conversation with the client, it is not a verdict. A clinic needs at least '
                '{min_clients} clients with two or more ORS totals for the model.'
        ),
        'nb': (
                'Ut fra klinikkens egne klienter lærer en modell hvordan ORS-skårer vanligvis utvikler seg etter '
                'inntak for en som startet på en gitt ORS: klienter som starter lavt, får ofte større bedring, '
                'klienter som starter høyt, lite. Utgangspunktet er klientens aller første ORS. En klient er **ikke '
                'på sporet** når de to siste ORS ligger under båndet som {track_band} % av klinikkens skårer havner '
                'under på samme tidspunkt i behandlingen (én lav skår er for ofte tilfeldig). Dette følger de '
                'forventede bedringskurvene i etablerte tilbakemeldingssystemer (Finch, '
                'Lambert & Schaalje 2001; Lambert mfl. 2002; Miller mfl. 2005), som reduserer forverring når '
                'terapeuter handler på signalet (Lambert, Whipple & Kleinstäuber 2018). Kurven beskriver det vanlige '
                'forløpet i denne klinikken, ikke en standard for god behandling; et flagg inviterer til en samtale '
                'med klienten, det er ingen dom. En klinikk trenger minst {min_clients} klienter med to eller flere '
                'ORS-summer for modellen.'
        ),
    },
    'methods.early.body': {
        'en': (
                '**Early alliance and outcome.** Per sector or clinic, the correlation between early alliance (the '
                'mean SRS of the first {early_sessions} rated sessions) and the change in ORS, with a 95 % interval '
                '(Fisher 1921). Research finds about r = .28; a correlation does not show that the alliance causes '
                'the improvement, and clients who stop early drop out of it.\n\n**Whose alliance goes with '
                "outcome.** A correlation over clients mixes the client's part and the therapist's part. A "
                "multilevel model (Baldwin, Wampold & Imel 2007; Falkenström et al. 2013) takes each client's last "
                "ORS on their intake ORS, their early alliance minus their therapist's mean (within) and their "
                "therapist's mean (between), with a random intercept per therapist and each sector's own effects. "
                'Both effects are shown in ORS points per SRS point with 95 % Wald intervals, beside the simple r. '
                'The between effect rests on the number of therapists: with few, its interval is too narrow. Case '
                'mix beyond the intake ORS is not allowed for, and neither effect shows cause.'
        ),
        'nb': (
                '**Tidlig allianse og utfall.** Per sektor eller klinikk, korrelasjonen mellom tidlig allianse '
                '(gjennomsnittlig SRS i de {early_sessions} første utfylte timene) og endringen i ORS, med et 95 '
                '%-intervall (Fisher 1921). Forskningen finner omtrent r = 0,28; en korrelasjon viser ikke at '
                'alliansen forårsaker bedringen, og klienter som slutter tidlig, faller ut.\n\n**Hvem sin '
                'allianse henger sammen med utfallet.** En korrelasjon over klienter blander klientens del og '
                'terapeutens del. En flernivåmodell (Baldwin, Wampold & Imel 2007; Falkenström mfl. 2013) forklarer '
                'hver klients siste ORS med ORS ved inntak, klientens tidlige allianse minus terapeutens gjennomsnitt '
                '(innen) og terapeutens gjennomsnitt (mellom), med et tilfeldig konstantledd per terapeut og egne '
                'effekter per sektor. Begge effektene vises i ORS-poeng per SRS-poeng med 95 % Wald-intervaller, ved '
                'siden av den enkle r. Mellom-effekten hviler på antall terapeuter: med få er intervallet for smalt. '
                'Klientsammensetning utover ORS ved inntak er ikke justert for, og ingen av effektene viser årsak.'
        ),
    },
    'methods.flags.title': {
        'en': 'Caseload flags',
        'nb': 'Flagg i klientlisten',
    },
    'methods.flags.intro': {
        'en': (
                'For supervision, every client with an attended session in the period gets these flags. The agenda '
                'orders clients by *concern*, a weighted count of their flags, then by the most recent session, and '
                'lists at most {alert_budget} % of the clients seen in the last {active_weeks} weeks. The weights put '
                'outcome first and the quality of the feedback last; they order a list, they are not a score of the '
                'client. Everyone gives a lower SRS at the first sessions, so the alliance flags compare a session '
                'with the level expected of this client then: the clinic\'s mean at that session number plus the '
                'client\'s own usual distance from it. A fall counts when it is a **reliable change**, 1.96·√(2σ²ₑ) '
                'with σ²ₑ the clinic\'s variance from session to session within clients (Jacobson & Truax 1991): '
                'larger than the usual movement of one client\'s score. Every flag says since when it has been raised.'
        ),
        'nb': (
                'Til veiledning får hver klient med en gjennomført time i perioden disse flaggene. Agendaen ordner '
                'klientene etter *bekymring*, en vektet telling av flaggene, og så etter siste time, og viser høyst '
                '{alert_budget} % av klientene som har vært til time de siste {active_weeks} ukene. Vektene setter '
                'utfall først og kvaliteten på tilbakemeldingene sist; de ordner en liste, de er ikke en skår av '
                'klienten. Alle gir lavere SRS de første timene, så allianseflaggene sammenligner en time med nivået '
                'som er ventet for denne klienten da: klinikkens snitt ved det timenummeret pluss klientens egen vanlige '
                'avstand fra det. Et fall teller når det er en **reliabel endring**, 1,96·√(2σ²ₑ), der σ²ₑ er '
                'klinikkens variasjon fra time til time innen klienter (Jacobson & Truax 1991): større enn den vanlige '
                'bevegelsen i én klients skår. Hvert flagg sier fra når det ble satt.'
        ),
    },
    'methods.col.flag': {
        'en': 'Flag',
        'nb': 'Flagg',
    },
    'methods.col.raised': {
        'en': 'Raised when',
        'nb': 'Settes når',
    },
    'methods.col.why': {
        'en': 'Why it matters',
        'nb': 'Hvorfor det betyr noe',
    },
    'methods.col.weight': {
        'en': 'Weight',
        'nb': 'Vekt',
    },
    'methods.flag.deteriorated.name': {
        'en': 'deteriorated',
        'nb': 'forverret',
    },
    'methods.flag.deteriorated.raised': {
        'en': "the latest ORS is at least {ors_rci} points below the client's first ORS ever",
        'nb': 'siste ORS er minst {ors_rci} poeng lavere enn klientens aller første',
    },
    'methods.flag.deteriorated.why': {
        'en': 'the client is worse off than at the start',
        'nb': 'klienten har det verre enn ved start',
    },
    'methods.flag.not_on_track.name': {
        'en': 'not on track',
        'nb': 'ikke på sporet',
    },
    'methods.flag.not_on_track.raised': {
        'en': 'the last two ORS are below the lower band of the expected course',
        'nb': 'de to siste ORS er under det nedre båndet for forventet forløp',
    },
    'methods.flag.not_on_track.why': {
        'en': 'an early warning, before deterioration is reliable',
        'nb': 'et tidlig varsel, før forverringen er pålitelig',
    },
    'methods.flag.rupture_flag.name': {
        'en': 'rupture',
        'nb': 'brudd',
    },
    'methods.flag.rupture_flag.raised': {
        'en': 'a rupture at one of the last {repair_window_plus_one} rated sessions is not repaired, and the fall '
              "is a reliable change from the session before and from the client's own level",
        'nb': 'et brudd ved en av de {repair_window_plus_one} siste utfylte timene er ikke reparert, og fallet er en '
              'reliabel endring fra timen før og fra klientens eget nivå',
    },
    'methods.flag.rupture_flag.why': {
        'en': 'unrepaired ruptures go with poorer outcome',
        'nb': 'ureparerte brudd henger sammen med dårligere utfall',
    },
    'methods.flag.low_alliance.name': {
        'en': 'low alliance',
        'nb': 'lav allianse',
    },
    'methods.flag.low_alliance.raised': {
        'en': "the last rated session's SRS total is below {srs_cutoff} and a reliable change below the level "
              "expected of this client",
        'nb': 'SRS-summen i siste utfylte time er under {srs_cutoff} og en reliabel endring under nivået som er '
              'ventet for klienten',
    },
    'methods.flag.low_alliance.why': {
        'en': "the client's view of the relationship has fallen, beyond the usual early rise",
        'nb': 'klientens syn på relasjonen har falt, ut over den vanlige stigningen i starten',
    },
    'methods.flag.large_discrepancy.name': {
        'en': 'large discrepancy',
        'nb': 'stort avvik',
    },
    'methods.flag.large_discrepancy.raised': {
        'en': 'at the latest session where both filled in the WAI-SR, the means differ by at least one point',
        'nb': 'i siste time der begge fylte ut WAI-SR, er gjennomsnittene minst ett poeng fra hverandre',
    },
    'methods.flag.large_discrepancy.why': {
        'en': 'the two see the relationship differently',
        'nb': 'de to ser relasjonen ulikt',
    },
    'methods.flag.no_recent_feedback.name': {
        'en': 'no recent feedback',
        'nb': 'ingen nylig tilbakemelding',
    },
    'methods.flag.no_recent_feedback.raised': {
        'en': 'none of the last three attended sessions has a client SRS',
        'nb': 'ingen av de tre siste gjennomførte timene har klientens SRS',
    },
    'methods.flag.no_recent_feedback.why': {
        'en': 'the feedback loop has stopped',
        'nb': 'tilbakemeldingssløyfen har stoppet',
    },
    'methods.flag.ceiling.name': {
        'en': 'ceiling',
        'nb': 'tak',
    },
    'methods.flag.ceiling.raised': {
        'en': '40 at each of the last 3 rated sessions',
        'nb': '40 i hver av de 3 siste utfylte timene',
    },
    'methods.flag.ceiling.why': {
        'en': 'the scores carry no signal: ask in words',
        'nb': 'skårene sier ingenting: spør med ord',
    },
    'methods.flag.any.name': {
        'en': 'any flag',
        'nb': 'minst ett flagg',
    },
    'methods.validation.title': {
        'en': "How the flags did on this clinic's closed treatments",
        'nb': 'Hvordan flaggene traff i klinikkens avsluttede behandlinger',
    },
    'methods.validation.body': {
        'en': ('A flag is worth a meeting only if it points to the clients who then do poorly. For every closed '
               'treatment (no session in the last {active_weeks} weeks) with at least three ORS, the table asks '
               'whether each flag was raised before the final ORS, and whether the treatment ended without a '
               'reliable improvement (the final ORS less than {ors_rci} points above the first). **Flagged** is the '
               'share of treatments in which the flag was raised: what the alert budget costs. **Sensitivity** is '
               'the share of the treatments that ended without improvement that were flagged: how many it caught. '
               '**Positive predictive value** is the share of the flagged treatments that ended without '
               'improvement: how often a flag was right. A clinic can see from this whether its thresholds and '
               'alert budget are well set.'),
        'nb': ('Et flagg er bare verdt en samtale hvis det peker på klientene som så får det dårlig. For hver '
               'avsluttede behandling (ingen time de siste {active_weeks} ukene) med minst tre ORS viser tabellen om '
               'hvert flagg ble satt før siste ORS, og om behandlingen endte uten reliabel bedring (siste ORS mindre '
               'enn {ors_rci} poeng over den første). **Flagget** er andelen behandlinger der flagget ble satt: hva '
               'varslingsbudsjettet koster. **Sensitivitet** er andelen av behandlingene som endte uten bedring, som '
               'ble flagget: hvor mange flagget fanget opp. **Positiv prediktiv verdi** er andelen av de flaggede '
               'behandlingene som endte uten bedring: hvor ofte et flagg traff. Slik kan klinikken se om grensene og '
               'varslingsbudsjettet er godt satt.'),
    },
    'methods.validation.note': {
        'en': ('Percentages with 95 % Wilson intervals over the clients (Wilson 1927). Clients of one therapist are not '
               'independent, so with few therapists the intervals are too narrow. A closed treatment says how a '
               'flag did in the past; it does not say that acting on it would have changed the outcome.'),
        'nb': ('Prosent med 95 % Wilson-intervall over klientene (Wilson 1927). Klienter hos samme terapeut er ikke uavhengige, så '
               'med få terapeuter blir intervallene for smale. Avsluttede behandlinger viser hvordan et flagg traff '
               'før; de viser ikke at det hadde endret utfallet å handle på det.'),
    },
    'methods.validation.none': {
        'en': 'No closed treatment with three or more ORS yet: the flags cannot be checked against outcomes.',
        'nb': 'Ingen avsluttede behandlinger med tre eller flere ORS ennå: flaggene kan ikke sjekkes mot utfall.',
    },
    'methods.validation.percent': {
        'en': '{value} % ({low}–{high})',
        'nb': '{value} % ({low}–{high})',
    },
    'methods.col.clinic': {
        'en': 'Clinic',
        'nb': 'Klinikk',
    },
    'methods.col.closed': {
        'en': 'Closed treatments',
        'nb': 'Avsluttede behandlinger',
    },
    'methods.col.poor': {
        'en': 'Ended without improvement',
        'nb': 'Endte uten bedring',
    },
    'methods.col.share_flagged': {
        'en': 'Flagged',
        'nb': 'Flagget',
    },
    'methods.col.sensitivity': {
        'en': 'Sensitivity',
        'nb': 'Sensitivitet',
    },
    'methods.col.ppv': {
        'en': 'Positive predictive value',
        'nb': 'Positiv prediktiv verdi',
    },
    'methods.settings.title': {
        'en': 'Settings in force',
        'nb': 'Gjeldende innstillinger',
    },
    'methods.settings.intro': {
        'en': (
                'A clinic can change these thresholds in {path}; every figure follows the new value at once, without '
                'loading the exports again.'
        ),
        'nb': (
                'En klinikk kan endre disse tersklene i {path}; alle figurer følger den nye verdien med en gang, uten'
                ' at eksportene må lastes inn på nytt.'
        ),
    },
    'methods.settings.all_default': {
        'en': 'Every setting has its default value.',
        'nb': 'Alle innstillinger har standardverdien.',
    },
    'methods.settings.changed': {
        'en': 'Differs from the default here: {changes}.',
        'nb': 'Avviker fra standard her: {changes}.',
    },
    'methods.settings.change': {
        'en': '{name} is {value} (default {default})',
        'nb': '{name} er {value} (standard {default})',
    },
    'methods.col.setting': {
        'en': 'Setting',
        'nb': 'Innstilling',
    },
    'methods.col.in_force': {
        'en': 'In force',
        'nb': 'Gjeldende',
    },
    'methods.col.default': {
        'en': 'Default',
        'nb': 'Standard',
    },
    'methods.col.differs': {
        'en': 'Differs from the default',
        'nb': 'Avviker fra standard',
    },
    'methods.differs.yes': {
        'en': 'changed',
        'nb': 'endret',
    },
    'methods.differs.no': {
        'en': '',
        'nb': '',
    },
    'methods.setting.srs_cutoff': {
        'en': 'A rated session with a client SRS total below this is a low-alliance session.',
        'nb': 'En utfylt time med klientens SRS-sum under denne er en time med lav allianse.',
    },
    'methods.setting.rupture_drop': {
        'en': "A rupture is an SRS total at least this many points below the client's previous rated session.",
        'nb': 'Et brudd er en SRS-sum minst så mange poeng lavere enn i klientens forrige utfylte time.',
    },
    'methods.setting.repair_window': {
        'en': 'A rupture is repaired when one of this many next rated sessions reaches the score before it.',
        'nb': 'Et brudd er reparert når en av så mange neste utfylte timer når skåren fra før bruddet.',
    },
    'methods.setting.ors_cutoff': {
        'en': (
                'ORS clinical cutoff: a client starting below it and ending at or above it (with a reliable change) '
                'has recovered.'
        ),
        'nb': (
                'Klinisk grenseverdi for ORS: en klient som starter under og slutter på eller over den (med en '
                'pålitelig endring), er friskmeldt.'
        ),
    },
    'methods.setting.ors_rci': {
        'en': (
                'Reliable change on the ORS: a change of at least this many points counts as improvement or '
                'deterioration.'
        ),
        'nb': 'Pålitelig endring på ORS: en endring på minst så mange poeng regnes som bedring eller forverring.',
    },
    'methods.setting.early_sessions': {
        'en': "Early alliance is the mean SRS total of the client's first this-many rated sessions.",
        'nb': 'Tidlig allianse er gjennomsnittlig SRS-sum i klientens første så mange utfylte timer.',
    },
    'methods.setting.min_clients': {
        'en': 'Therapists or groups with fewer clients than this are shown as too few to compare.',
        'nb': 'Terapeuter eller grupper med færre klienter enn dette vises som for få til å sammenligne.',
    },
    'methods.setting.active_weeks': {
        'en': ("A client is active when their latest attended session lies at most this many weeks before the "
               "period's end (or the data's last day). The Supervision page and the pack list active clients, so a "
               "finished treatment does not stay on the agenda; all clients are one click away."),
        'nb': ("En klient er aktiv når siste gjennomførte time ligger høyst så mange uker før periodens slutt "
               "(eller siste dag i dataene). Veiledningssiden og rapporten viser aktive klienter, så en avsluttet "
               "behandling ikke blir stående på agendaen; alle klienter er ett klikk unna."),
    },
    'methods.setting.track_band': {
        'en': ("A client is not on track when their last two ORS lie below the band that this per cent of the clinic's "
               'ORS at the same point of treatment fall below.'),
        'nb': ('En klient er ikke på sporet når de to siste ORS ligger under båndet som så mange prosent av klinikkens '
               'ORS på samme tidspunkt i behandlingen havner under.'),
    },
    'methods.setting.alert_budget': {
        'en': ("The supervision agenda lists at most this per cent of the therapist's active clients (at least one), "
               'those of most concern, and says how many flagged clients it leaves out.'),
        'nb': ('Agendaen for veiledning viser høyst så mange prosent av terapeutens aktive klienter (minst én), de med '
               'høyest prioritet, og sier hvor mange klienter med flagg den utelater.'),
    },
    'methods.setting.min_reliability': {
        'en': ("A therapist's model estimate is compared with the others only when it is at least this reliable: the "
               "therapist variance over itself plus the client and session variance averaged over the therapist's "
               "clients (ACORN's rule). Below it the therapist is shown, grey and hollow, without a probability."),
        'nb': ("En terapeuts modellestimat sammenlignes med de andre bare når det er minst så pålitelig: "
               "terapeutvariansen delt på seg selv pluss klient- og timevariansen fordelt over terapeutens klienter "
               "(ACORNs regel). Under grensen vises terapeuten grå og hul, uten sannsynlighet."),
    },
    'methods.setting.suppress_below': {
        'en': "Figures that include clinics other than the viewer's own, and every export, hide cells of fewer clients than this, and one more cell where needed so that a hidden one cannot be worked out from the totals.",
        'nb': "Figurer som tar med andre klinikker enn seerens egne, og alle eksporter, skjuler celler med færre klienter enn dette, og én celle til der det trengs, slik at en skjult celle ikke kan regnes ut fra summene.",
    },
    'methods.setting.audit_retention_days': {
        'en': "The audit trail keeps each event this many days; older events are deleted, a month's file at a time.",
        'nb': "Revisjonsloggen beholder hver hendelse så mange dager; eldre hendelser slettes, én månedsfil om gangen.",
    },
    'methods.references.title': {
        'en': 'References',
        'nb': 'Referanser',
    },
}

# The references are cited as published, in every language.
REFERENCES = (
    "Baldwin, S. A., & Imel, Z. E. (2013). Therapist effects: Findings and methods. In M. J. Lambert (Ed.), "
    "*Bergin and Garfield's handbook of psychotherapy and behavior change* (6th ed., pp. 258–297). Wiley.",
    "Baldwin, S. A., Wampold, B. E., & Imel, Z. E. (2007). Untangling the alliance–outcome correlation: Exploring "
    "the relative importance of therapist and patient variability in the alliance. *Journal of Consulting and "
    "Clinical Psychology, 75*(6), 842–852.",
    "Bordin, E. S. (1979). The generalizability of the psychoanalytic concept of the working alliance. "
    "*Psychotherapy: Theory, Research & Practice, 16*(3), 252–260.",
    "Del Re, A. C., Flückiger, C., Horvath, A. O., Symonds, D., & Wampold, B. E. (2012). Therapist effects in the "
    "therapeutic alliance–outcome relationship: A restricted-maximum likelihood meta-analysis. *Clinical Psychology "
    "Review, 32*(7), 642–649.",
    "Duncan, B. L., Miller, S. D., Sparks, J. A., et al. (2003). The Session Rating Scale. *Journal of Brief "
    "Therapy, 3*(1), 3–12.",
    "Eubanks, C. F., Muran, J. C., & Safran, J. D. (2018). Alliance rupture repair: A meta-analysis. "
    "*Psychotherapy, 55*(4), 508–519.",
    "Finch, A. E., Lambert, M. J., & Schaalje, B. G. (2001). Psychotherapy quality control: The statistical "
    "generation of expected recovery curves for integration into an early warning system. *Clinical Psychology & "
    "Psychotherapy, 8*(4), 231–242.",
    "Falkenström, F., Granström, F., & Holmqvist, R. (2013). Therapeutic alliance predicts symptomatic improvement "
    "session by session. *Journal of Counseling Psychology, 60*(3), 317–328.",
    "Fisher, R. A. (1921). On the \"probable error\" of a coefficient of correlation deduced from a small sample. "
    "*Metron, 1*, 3–32.",
    "Flückiger, C., Del Re, A. C., Wampold, B. E., & Horvath, A. O. (2018). The alliance in adult psychotherapy: "
    "A meta-analytic synthesis. *Psychotherapy, 55*(4), 316–340.",
    "Goldstein, H., & Healy, M. J. R. (1995). The graphical presentation of a collection of means. *Journal of the "
    "Royal Statistical Society: Series A, 158*(1), 175–177.",
    "Goldstein, H., & Spiegelhalter, D. J. (1996). League tables and their limitations: Statistical issues in "
    "comparisons of institutional performance. *Journal of the Royal Statistical Society: Series A, 159*(3), "
    "385–443.",
    "Hatcher, R. L., & Gillaspy, J. A. (2006). Development and validation of a revised short version of the "
    "Working Alliance Inventory. *Psychotherapy Research, 16*(1), 12–25.",
    "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining meaningful "
    "change in psychotherapy research. *Journal of Consulting and Clinical Psychology, 59*(1), 12–19.",
    "Lambert, M. J., Whipple, J. L., Bishop, M. J., Vermeersch, D. A., Gray, G. V., & Finch, A. E. (2002). "
    "Comparison of empirically-derived and rationally-derived methods for identifying patients at risk for "
    "treatment failure. *Clinical Psychology & Psychotherapy, 9*(3), 149–164.",
    "Lambert, M. J., Whipple, J. L., & Kleinstäuber, M. (2018). Collecting and delivering progress feedback: "
    "A meta-analysis of routine outcome monitoring. *Psychotherapy, 55*(4), 520–537.",
    "Miller, S. D., Duncan, B. L., Brown, J., Sparks, J. A., & Claud, D. A. (2003). The Outcome Rating Scale. "
    "*Journal of Brief Therapy, 2*(2), 91–100.",
    "Miller, S. D., Duncan, B. L., Sorrell, R., & Brown, G. S. (2005). The Partners for Change Outcome Management "
    "System. *Journal of Clinical Psychology, 61*(2), 199–208.",
    "Robinson, G. K. (1991). That BLUP is a good thing: The estimation of random effects. *Statistical Science, "
    "6*(1), 15–32.",
    "Schiefele, A.-K., Lutz, W., Barkham, M., et al. (2017). Reliability of therapist effects in practice-based "
    "psychotherapy research: A guide for the planning of future studies. *Administration and Policy in Mental "
    "Health and Mental Health Services Research, 44*(5), 598–613.",
    "Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater reliability. "
    "*Psychological Bulletin, 86*(2), 420–428.",
    "Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance. *Statistics in Medicine, "
    "24*(8), 1185–1202.",
    "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *Journal of the "
    "American Statistical Association, 22*(158), 209–212.",
)
