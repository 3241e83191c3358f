/*
 * schema.c: the database schema as data: one list of migrations, each taking the file
 * from PRAGMA user_version N to N+1. A new file runs them all from 0, so a fresh
 * database and an upgraded one are built by the same statements.
 */
#include "holdings.h"
#include "workflow-int.h"

/*
 * Version 1: the first schema the office ran (kept verbatim: old files still hold it).
 * Times are Unix seconds; states, roles, kinds and actions are stored by name so that a
 * reader of the file needs no enum table.
 */
static const char schema_v1[] =
    "CREATE TABLE office ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT NOT NULL,"
    "  city TEXT NOT NULL);"
    "CREATE TABLE officials ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  nip TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('kepala_dinas', 'kabid', 'kasi')),"
    "  login TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE applicants ("
    "  id INTEGER PRIMARY KEY,"
    "  full_name TEXT NOT NULL,"
    "  nik TEXT NOT NULL,"
    "  nip TEXT NOT NULL DEFAULT '',"
    "  email TEXT NOT NULL,"
    "  phone TEXT NOT NULL,"
    "  position TEXT NOT NULL,"
    "  employment TEXT NOT NULL CHECK (employment IN ('pns', 'pppk', 'other')),"
    "  work_unit TEXT NOT NULL,"
    "  agency TEXT NOT NULL,"
    "  city TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE applications ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  year INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  applicant_id INTEGER NOT NULL REFERENCES applicants(id),"
    "  state TEXT NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  step_started_at INTEGER NOT NULL,"
    "  UNIQUE (year, seq));"
    "CREATE INDEX applications_state ON applications(state);"
    "CREATE TABLE documents ("
    "  application_id INTEGER NOT NULL REFERENCES applications(id),"
    "  kind TEXT NOT NULL CHECK (kind IN"
    "    ('application_letter', 'bsre_form', 'ktp_copy', 'sk_copy')),"
    "  received INTEGER NOT NULL DEFAULT 0,"
    "  received_at INTEGER NOT NULL DEFAULT 0,"
    "  scan_path TEXT NOT NULL DEFAULT '',"
    "  scan_sha256 TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (application_id, kind));"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES applications(id),"
    "  step INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  from_state TEXT NOT NULL,"
    "  to_state TEXT NOT NULL,"
    "  actor_id INTEGER NOT NULL REFERENCES officials(id),"
    "  role TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER NOT NULL,"
    "  minutes INTEGER NOT NULL,"
    "  standard_minutes INTEGER NOT NULL,"
    "  note TEXT);"
    "CREATE INDEX events_application ON events(application_id);"
    "CREATE TABLE keys ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES applications(id),"
    "  status TEXT NOT NULL CHECK (status IN"
    "    ('intent', 'generated', 'complete', 'abandoned')),"
    "  token_serial TEXT NOT NULL,"
    "  token_model TEXT NOT NULL,"
    "  key_type TEXT NOT NULL,"
    "  key_label TEXT NOT NULL,"
    "  key_id TEXT NOT NULL DEFAULT '',"
    "  csr_pem TEXT,"
    "  actor_id INTEGER NOT NULL REFERENCES officials(id),"
    "  begun_at INTEGER NOT NULL,"
    "  completed_at INTEGER NOT NULL DEFAULT 0,"
    "  abandon_reason TEXT);"
    /* At most one open intent per application: a crash leaves it for the command. */
    "CREATE UNIQUE INDEX keys_open ON keys(application_id)"
    "  WHERE status IN ('intent', 'generated');"
    "CREATE TABLE certificates ("
    "  id INTEGER PRIMARY KEY,"
    "  application_id INTEGER NOT NULL REFERENCES applications(id),"
    "  serial TEXT NOT NULL,"
    "  issuer TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  not_before INTEGER NOT NULL,"
    "  not_after INTEGER NOT NULL,"
    "  imported_at INTEGER NOT NULL);"
    "CREATE INDEX certificates_application ON certificates(application_id);"
    /*
     * The audit log: seq is hashed with the content, so a row moved or removed breaks
     * the chain; audit_head remembers the last row so a cut tail is seen too.
     */
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  login TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  application TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TABLE audit_head ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  seq INTEGER NOT NULL,"
    "  hash TEXT NOT NULL);";

/*
 * Version 2: the settings the command keeps, officials that can be deactivated, the
 * rest of BSrE's registration data (pangkat/golongan, province, request type), and
 * dispositions recorded by the Kasi on behalf of an official with the paper reference.
 */
static const char schema_v2[] =
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    "ALTER TABLE officials ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE applicants ADD COLUMN rank_grade TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE applicants ADD COLUMN province TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE applications ADD COLUMN request_type TEXT NOT NULL DEFAULT 'new'"
    "  CHECK (request_type IN ('new', 'renewal', 'data_change', 'revocation'));"
    "ALTER TABLE events ADD COLUMN on_behalf_id INTEGER REFERENCES officials(id);"
    "ALTER TABLE events ADD COLUMN paper_reference TEXT;"
    /* Lists by state newest first, and reports by period, read these. */
    "CREATE INDEX applications_state_updated ON applications(state, updated_at);"
    "CREATE INDEX applications_updated ON applications(updated_at);"
    "CREATE INDEX events_step_ended ON events(step, ended_at);"
    "DROP INDEX applications_state;"
    /* Append-only by the schema too: changing history takes deliberate DDL. */
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/*
 * Version 3: what the reports read at scale (bench/workflow-bench.sh, a million
 * applications). Summaries kept by triggers in the same transaction as the row they
 * count, so they can never disagree with it: the minutes each completed act took, per
 * UTC day, and the TTE holders per local day of handover and work unit. The reports add
 * the partial days at a period's ends from the rows themselves. Applications are never
 * deleted and applicants never change, so inserts and state changes are all to follow.
 */
static const char schema_v3[] =
    "CREATE INDEX applications_created ON applications(created_at, state);"
    "CREATE TABLE step_time_days ("
    "  day INTEGER NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  minutes INTEGER NOT NULL,"
    "  acts INTEGER NOT NULL,"
    "  PRIMARY KEY (day, step, action, minutes)) WITHOUT ROWID;"
    "INSERT INTO step_time_days"
    "  SELECT ended_at / 86400, step, action, minutes, count(*) FROM events"
    "  WHERE step BETWEEN 1 AND 7 GROUP BY 1, 2, 3, 4;"
    "CREATE TRIGGER events_step_time_days AFTER INSERT ON events"
    "  WHEN NEW.step BETWEEN 1 AND 7 BEGIN"
    "  INSERT INTO step_time_days VALUES"
    "    (NEW.ended_at / 86400, NEW.step, NEW.action, NEW.minutes, 1)"
    "    ON CONFLICT (day, step, action, minutes) DO UPDATE SET acts = acts + 1;"
    "  END;"
    "CREATE TABLE holder_days ("
    "  day TEXT NOT NULL," /* local date of the handover, YYYY-MM-DD */
    "  work_unit TEXT NOT NULL,"
    "  holders INTEGER NOT NULL,"
    "  PRIMARY KEY (day, work_unit)) WITHOUT ROWID;"
    "INSERT INTO holder_days"
    "  SELECT date(a.updated_at, 'unixepoch', 'localtime'), ap.work_unit, count(*)"
    "  FROM applications a JOIN applicants ap ON ap.id = a.applicant_id"
    "  WHERE a.state = 'active' GROUP BY 1, 2;"
    "CREATE TRIGGER applications_holder_insert AFTER INSERT ON applications"
    "  WHEN NEW.state = 'active' BEGIN"
    "  INSERT INTO holder_days VALUES (date(NEW.updated_at, 'unixepoch', 'localtime'),"
    "    (SELECT work_unit FROM applicants WHERE id = NEW.applicant_id), 1)"
    "    ON CONFLICT (day, work_unit) DO UPDATE SET holders = holders + 1;"
    "  END;"
    "CREATE TRIGGER applications_holder_in AFTER UPDATE OF state ON applications"
    "  WHEN NEW.state = 'active' AND OLD.state <> 'active' BEGIN"
    "  INSERT INTO holder_days VALUES (date(NEW.updated_at, 'unixepoch', 'localtime'),"
    "    (SELECT work_unit FROM applicants WHERE id = NEW.applicant_id), 1)"
    "    ON CONFLICT (day, work_unit) DO UPDATE SET holders = holders + 1;"
    "  END;"
    "CREATE TRIGGER applications_holder_out AFTER UPDATE OF state ON applications"
    "  WHEN OLD.state = 'active' AND NEW.state <> 'active' BEGIN"
    "  UPDATE holder_days SET holders = holders - 1"
    "    WHERE day = date(OLD.updated_at, 'unixepoch', 'localtime')"
    "    AND work_unit = (SELECT work_unit FROM applicants WHERE id = OLD.applicant_id);"
    "  END;";

/*
 * Version 4: one token, one holder. A key generation's marker (the random CKA_ID its key
 * carries until its real id is recorded: proof that this run made it), the keys of a token
 * found by its serial, and what the station removed from a token besides a transition (an
 * interrupted run's key, a renewed pair, a reset), each with the official who did it.
 */
static const char schema_v4[] =
    "ALTER TABLE keys ADD COLUMN marker TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX keys_token ON keys(token_serial);"
    "CREATE TABLE token_events ("
    "  id INTEGER PRIMARY KEY,"
    "  token_serial TEXT NOT NULL,"
    "  application_id INTEGER REFERENCES applications(id),"
    "  action TEXT NOT NULL CHECK (action IN ('key_removed', 'token_reset')),"
    "  key_id TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL,"
    "  actor_id INTEGER NOT NULL REFERENCES officials(id),"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX token_events_serial ON token_events(token_serial);";

/*
 * Version 5: officials with a history. A row is one term of one person in one role under
 * one name: an edit ends the row and starts its successor (superseded_by), so the events
 * pointing at the old row keep the name the official had when they acted; a deactivation
 * ends it with its reason. One person holds one role at a time: login and NIP are unique
 * among the active rows only, so a replacement or a new role is a new row. Dropping v1's
 * UNIQUE (login) takes a rebuild of the table (migrations run with foreign keys off).
 */
static const char schema_v5[] =
    "CREATE TABLE officials_v5 ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  nip TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('kepala_dinas', 'kabid', 'kasi')),"
    "  login TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  position TEXT NOT NULL DEFAULT '',"
    "  ended_at INTEGER NOT NULL DEFAULT 0,"
    "  end_reason TEXT NOT NULL DEFAULT '',"
    "  superseded_by INTEGER REFERENCES officials(id));"
    "INSERT INTO officials_v5 (id, name, nip, role, login, created_at, active)"
    "  SELECT id, name, nip, role, login, created_at, active FROM officials;"
    "DROP TABLE officials;"
    "ALTER TABLE officials_v5 RENAME TO officials;"
    "CREATE UNIQUE INDEX officials_active_login ON officials(login) WHERE active = 1;"
    "CREATE UNIQUE INDEX officials_active_nip ON officials(nip) WHERE active = 1;"
    "CREATE INDEX officials_login ON officials(login, id);";

/*
 * Version 6: the issuer connector an application's request was sent through (its settings
 * as text), so the certificate is fetched from there after the station's setting changes.
 * Empty for applications sent before: they use the station's setting.
 */
static const char schema_v6[] =
    "ALTER TABLE applications ADD COLUMN issuer TEXT NOT NULL DEFAULT '';";

/*
 * Version 7: the office's papers. A certificate's SHA-256 fingerprint (of its DER), which
 * the receipt prints and its QR code carries; "" for certificates imported before. One
 * row per paper issued (kind, and the application number or the report's period as its
 * subject): its number's sequence in its year, when it was first printed and how long the
 * audit log was then, so that a reprint carries the same number, date and audit head.
 */
static const char schema_v7[] =
    "ALTER TABLE certificates ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE papers ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  prints INTEGER NOT NULL DEFAULT 0,"
    "  audit_rows INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (kind, subject),"
    "  UNIQUE (year, seq));";

/*
 * Version 8: the state each application's audit chain leaves it in, kept as the chain
 * grows, so the holders report counts by the chain without replaying it (audit-records.c
 * replays it whole, and checks this summary against it). audit_states is every audit row
 * that sets a state: an application's submission, and each other successful act but a
 * document's, whose detail opens with "from -> to," (a state under 256 bytes, as the replay
 * reads it). The trigger keeps the latest per application; the rows written before are
 * summed up once here. And an index of the handovers, whose time the report counts by.
 */
static const char schema_v8[] =
    "CREATE VIEW audit_states AS SELECT seq, application AS number,"
    "  CASE WHEN action = 'submit' THEN 'submitted'"
    "  ELSE substr(rest, 1, instr(rest, ',') - 1) END AS state"
    "  FROM (SELECT seq, application, action, CASE WHEN instr(detail, ' -> ') > 0"
    "    THEN substr(detail, instr(detail, ' -> ') + 4) END AS rest FROM audit"
    "    WHERE kind = 'act' AND result = 'ok' AND application <> '' AND action <> 'document')"
    "  WHERE action = 'submit' OR (instr(rest, ',') > 0"
    "    AND length(CAST(substr(rest, 1, instr(rest, ',') - 1) AS BLOB)) < 256);"
    "CREATE TABLE chain_states ("
    "  number TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL,"
    "  seq INTEGER NOT NULL);"
    "INSERT INTO chain_states SELECT number, state, seq FROM audit_states"
    "  WHERE seq IN (SELECT max(seq) FROM audit_states GROUP BY number);"
    /* The holders report's handover times, one probe per application. */
    "CREATE INDEX events_handover ON events(application_id, ended_at) WHERE action = 'handover';"
    "CREATE TRIGGER audit_chain_state AFTER INSERT ON audit BEGIN"
    "  INSERT INTO chain_states SELECT number, state, seq FROM audit_states WHERE seq = NEW.seq"
    "  ON CONFLICT (number) DO UPDATE SET state = excluded.state, seq = excluded.seq"
    "  WHERE excluded.seq > chain_states.seq;"
    "  END;";

/* The NIK of an applicant, of an application's applicant, by the trigger's row. */
#define NIK_OF_APPLICANT(id) "(SELECT nik FROM applicants WHERE id = " id ")"
#define NIK_OF_APPLICATION(where)                                                                  \
	"(SELECT ap.nik FROM applications a JOIN applicants ap ON ap.id = a.applicant_id"          \
	" WHERE " where ")"
#define HELD(row) row ".state IN " WF_HELD_STATES

/*
 * Version 9: the TTE holders summary (holdings.h), kept by triggers on everything a holding
 * is made of, so the holders report reads sums instead of ranking every holder. It replaces
 * version 3's holder_days, which counted active applications by the records alone.
 */
static const char
    schema_v9[] =
	"DROP TRIGGER IF EXISTS applications_holder_insert;"
	"DROP TRIGGER IF EXISTS applications_holder_in;"
	"DROP TRIGGER IF EXISTS applications_holder_out;"
	"DROP TABLE IF EXISTS holder_days;" WF_HOLDINGS_TABLES(
	    "INTEGER",
	    " WITHOUT ROWID") "CREATE TRIGGER holdings_application_insert AFTER INSERT ON "
			      "applications"
			      "  WHEN " HELD("NEW") " BEGIN " WF_REFRESH_HOLDINGS(
				  NIK_OF_APPLICANT(
				      "NEW.applicant_id")) " END;"
							   "CREATE TRIGGER holdings_application "
							   "AFTER UPDATE ON applications"
							   "  WHEN " HELD("OLD") " OR " HELD("NEW") " BEGIN " WF_REFRESH_HOLDINGS(NIK_OF_APPLICANT(
							       "NEW.applicant_id")) " END;"
										    "CREATE "
										    "TRIGGER "
										    "holdings_"
										    "applicati"
										    "on_moved "
										    "AFTER "
										    "UPDATE "
										    "OF "
										    "applicant"
										    "_id ON "
										    "applicati"
										    "ons"
										    "  WHEN "
										    "OLD."
										    "applicant"
										    "_id <> "
										    "NEW."
										    "applicant"
										    "_id "
										    "AND"
										    " " HELD("OLD") " BEGIN " WF_REFRESH_HOLDINGS(NIK_OF_APPLICANT(
											"O"
											"L"
											"D"
											"."
											"a"
											"p"
											"p"
											"l"
											"i"
											"c"
											"a"
											"n"
											"t"
											"_"
											"i"
											"d")) " END"
											      ";"
											      "CREA"
											      "TE "
											      "TRIG"
											      "GER "
											      "hold"
											      "ings"
											      "_app"
											      "lica"
											      "nt "
											      "AFTE"
											      "R "
											      "UPDA"
											      "TE "
											      "OF "
											      "nik,"
											      " age"
											      "ncy,"
											      " wor"
											      "k_"
											      "unit"
											      " ON "
											      "appl"
											      "ican"
											      "ts"
											      "  "
											      "BEGI"
											      "N"
											      " " WF_REFRESH_HOLDINGS(
												  "OLD.nik")
												  WF_REFRESH_HOLDINGS("NEW.nik") " END;"
																 "CREATE TRIGGER holdings_handover AFTER INSERT ON events WHEN NEW.action = 'handover'"
																 "  BEGIN " WF_REFRESH_HOLDINGS(
																     NIK_OF_APPLICATION("a.id = NEW.application_id")) " END;"
																						      "CREATE TRIGGER holdings_chain_insert AFTER INSERT ON chain_states WHEN " HELD("NEW") "  BEGIN " WF_REFRESH_HOLDINGS(NIK_OF_APPLICATION("a.number = NEW.number")) " END;"
																																											"CREATE TRIGGER holdings_chain_update AFTER UPDATE ON chain_states"
																																											"  WHEN " HELD("OLD") " OR " HELD("NEW") " BEGIN " WF_REFRESH_HOLDINGS(NIK_OF_APPLICATION(
																																											    "a.number = NEW.number")) " END;"
																																														      "CREATE TRIGGER holdings_chain_delete AFTER DELETE ON chain_states WHEN " HELD(
																																															  "OLD") "  BEGIN " WF_REFRESH_HOLDINGS(NIK_OF_APPLICATION("a.number = OLD.number")) " END;";

/*
 * Version 10 changes how acts queue on a server (schema-pgsql.c); a file has one writer at a
 * time, and nothing in it changes.
 */
static const char schema_v10[] = "";

/* migrations[i] takes the file from version i to version i + 1. */
static const char *const migrations[] = {
    schema_v1, schema_v2, schema_v3, schema_v4, schema_v5,
    schema_v6, schema_v7, schema_v8, schema_v9, schema_v10,
};

int
wf_schema_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *
wf_schema_migration(int from_version)
{
	if (from_version < 0 || from_version >= wf_schema_version())
		return NULL;
	return migrations[from_version];
}

int
wf_schema_check_version(const char *name, int version, bool create, struct wf_error *err)
{
	/* Version 0 is a file this program never set up: only "enroll init" may. */
	if (version == 0 && !create)
		return wf_fail(err, WF_ERR_NO_DATABASE,
			       _("%s is not an enroll database (no schema)"), name);
	/* No enroll writes a negative version: the file was changed outside it. */
	if (version < 0)
		return wf_fail(err, WF_ERR_CORRUPT,
			       _("%s has schema version %d, which no enroll writes: the file was "
				 "changed outside enroll"),
			       name, version);
	if (version > wf_schema_version())
		return wf_fail(err, WF_ERR_SCHEMA,
			       _("%s has schema version %d; this program knows up to %d"), name,
			       version, wf_schema_version());
	return WF_OK;
}
