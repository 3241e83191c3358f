/*
 * holdings.h: the TTE holders summary (schema version 9), in the SQL both engines take.
 * schema.c runs it in sqlite's triggers, schema-pgsql.c in a server function; report-holders.c
 * reads it, audit-records.c checks it against the records.
 *
 * holdings: each application whose token was handed over, in the state its audit chain
 * leaves it in (chain_states: a state set by hand is not counted), at the time of its
 * handover, with whether it is its person's latest token (by time, then id). unsupported:
 * each application handed over by the records but not by the chain, named by the report.
 * holding_days: holdings summed per UTC day, agency and work unit. A person's rows are
 * taken out and counted again whenever something they are made of changes.
 */
#ifndef ENROLL_HOLDINGS_H
#define ENROLL_HOLDINGS_H

#define WF_HELD_STATES "('active', 'renewed', 'revoked', 'lost', 'expired')"

/* The UTC day a time falls in, as the time of its midnight (floor, also before 1970). */
#define WF_DAY_OF(t) "(" t " - ((" t " % 86400) + 86400) % 86400)"

/*
 * A handover's time: the handover event's, else (an active one changes only by leaving
 * active) the application's last change. CROSS JOIN keeps sqlite's planner to the
 * person's applications (by NIK, then applicant) instead of every held one (by state);
 * PostgreSQL plans it as the inner join it is (and takes no ON after it).
 */
#define WF_HANDED_ROWS_VIEW                                                                        \
	"CREATE VIEW handed_rows AS SELECT a.id AS application_id, ap.nik,"                        \
	" COALESCE((SELECT max(e.ended_at) FROM events e WHERE e.application_id = a.id"            \
	" AND e.action = 'handover'), a.updated_at) AS at, ap.agency, ap.work_unit, a.state,"      \
	" a.request_type FROM applicants ap CROSS JOIN applications a"                             \
	" JOIN chain_states c ON c.number = a.number AND c.state = a.state"                        \
	" WHERE a.applicant_id = ap.id AND a.state IN " WF_HELD_STATES ";"

/* Held by the records, not by the chain. */
#define WF_UNSUPPORTED_ROWS(where)                                                                 \
	"SELECT a.id, ap.nik, a.number FROM applicants ap CROSS JOIN applications a"               \
	" LEFT JOIN chain_states c ON c.number = a.number WHERE " where " a.applicant_id = ap.id"  \
	" AND a.state IN " WF_HELD_STATES " AND c.state IS DISTINCT FROM a.state"

/* A person's holdings rows summed, as the columns of holding_days after its key. */
#define WF_HOLDING_SUMS                                                                            \
	"count(*) AS handed, sum(CASE WHEN latest = 1 AND state IN ('active', 'renewed')"          \
	" THEN 1 ELSE 0 END) AS holders,"                                                          \
	" sum(CASE WHEN request_type = 'new' THEN 1 ELSE 0 END) AS new_requests,"                  \
	" sum(CASE WHEN request_type IN ('renewal', 'data_change') THEN 1 ELSE 0 END) AS "         \
	"renewals,"                                                                                \
	" sum(CASE WHEN state = 'revoked' THEN 1 ELSE 0 END) AS revoked,"                          \
	" sum(CASE WHEN state = 'lost' THEN 1 ELSE 0 END) AS lost,"                                \
	" sum(CASE WHEN state = 'expired' THEN 1 ELSE 0 END) AS expired"

/* A person's rows by day, agency and work unit, summed. */
#define WF_HOLDING_GROUPS(person)                                                                  \
	"SELECT " WF_DAY_OF("at") " AS day, agency, work_unit, " WF_HOLDING_SUMS                   \
				  " FROM holdings WHERE nik = " person " GROUP BY 1, 2, 3"

/* A row of holding_days that is not all zero. */
#define WF_HOLDING_DAY_COUNTS_ANYTHING                                                             \
	"(handed <> 0 OR holders <> 0 OR new_requests <> 0 OR renewals <> 0 OR revoked <> 0"       \
	" OR lost <> 0 OR expired <> 0)"

/* The SQL below keeps a clause a line, which the formatter would fold into shapes. */
/* clang-format off */
/* Each count of holding_days moved by sign (+ or -) the same count of the row from. */
#define WF_MOVE(sign, from, c) c " = holding_days." c " " sign " " from "." c
#define WF_MOVE_COUNTS(sign, from)                                                                 \
	WF_MOVE(sign, from, "handed") ", " WF_MOVE(sign, from, "holders") ", "                     \
	WF_MOVE(sign, from, "new_requests") ", " WF_MOVE(sign, from, "renewals") ", "              \
	WF_MOVE(sign, from, "revoked") ", " WF_MOVE(sign, from, "lost") ", "                       \
	WF_MOVE(sign, from, "expired")

/*
 * One person's rows counted again; person is an SQL expression of their NIK. Their old
 * rows leave the day sums, their rows are made again from the records and added to the
 * sums, and what the chain does not support is named again. A day's row left all zero
 * stays (deleting it would probe the sums by day, which a server's cached plan may scan):
 * it counts nothing, and the report leaves out a group that hands over nothing.
 */
#define WF_REFRESH_HOLDINGS(person)                                                                \
	"UPDATE holding_days SET " WF_MOVE_COUNTS("-", "o")                                        \
	" FROM (" WF_HOLDING_GROUPS(person) ") AS o WHERE holding_days.day = o.day"                \
	" AND holding_days.agency = o.agency AND holding_days.work_unit = o.work_unit;"            \
	"DELETE FROM holdings WHERE nik = " person ";"                                             \
	"INSERT INTO holdings SELECT r.application_id, r.nik, r.at, r.agency, r.work_unit,"        \
	" r.state, r.request_type, CASE WHEN r.application_id = (SELECT l.application_id"          \
	" FROM handed_rows l WHERE l.nik = " person " ORDER BY l.at DESC, l.application_id DESC"  \
	" LIMIT 1) THEN 1 ELSE 0 END FROM handed_rows r WHERE r.nik = " person ";"                \
	"INSERT INTO holding_days " WF_HOLDING_GROUPS(person)                                      \
	" ON CONFLICT (day, agency, work_unit) DO UPDATE SET " WF_MOVE_COUNTS("+", "excluded") ";" \
	"DELETE FROM unsupported WHERE nik = " person ";"                                          \
	"INSERT INTO unsupported " WF_UNSUPPORTED_ROWS("ap.nik = " person " AND") ";"

/* The tables, and their first fill from the records (latest: each person's newest). */
#define WF_HOLDINGS_TABLES(bigint, without_rowid)                                                  \
	"CREATE TABLE holdings (application_id " bigint " PRIMARY KEY, nik TEXT NOT NULL,"         \
	" at " bigint " NOT NULL, agency TEXT NOT NULL, work_unit TEXT NOT NULL,"                  \
	" state TEXT NOT NULL, request_type TEXT NOT NULL, latest INTEGER NOT NULL);"             \
	"CREATE INDEX holdings_nik ON holdings(nik);"                                              \
	"CREATE INDEX holdings_at ON holdings(at);"                                                \
	"CREATE TABLE holding_days (day " bigint " NOT NULL, agency TEXT NOT NULL,"                \
	" work_unit TEXT NOT NULL, handed INTEGER NOT NULL, holders INTEGER NOT NULL,"             \
	" new_requests INTEGER NOT NULL, renewals INTEGER NOT NULL, revoked INTEGER NOT NULL,"     \
	" lost INTEGER NOT NULL, expired INTEGER NOT NULL,"                                        \
	" PRIMARY KEY (day, agency, work_unit))" without_rowid ";"                                 \
	"CREATE TABLE unsupported (application_id " bigint " PRIMARY KEY, nik TEXT NOT NULL,"      \
	" number TEXT NOT NULL);"                                                                  \
	"CREATE INDEX unsupported_nik ON unsupported(nik);"                                        \
	"CREATE INDEX applicants_nik ON applicants(nik);"                                          \
	"CREATE INDEX applications_applicant ON applications(applicant_id);"                       \
	WF_HANDED_ROWS_VIEW WF_HOLDINGS_RECOMPUTED_VIEW WF_HOLDINGS_FILL

/* The summary made from the records as a whole (empty tables): a new one, a bulk load's. */
#define WF_HOLDINGS_FILL                                                                           \
	"INSERT INTO holdings SELECT * FROM holdings_recomputed;"                                  \
	"INSERT INTO holding_days SELECT " WF_DAY_OF("at") ", agency, work_unit, " WF_HOLDING_SUMS \
	" FROM holdings GROUP BY 1, 2, 3;"                                                         \
	"INSERT INTO unsupported " WF_UNSUPPORTED_ROWS("") ";"
/* clang-format on */

/* What holdings should hold, from the records: audit verify compares the two. */
#define WF_HOLDINGS_RECOMPUTED_VIEW                                                                \
	"CREATE VIEW holdings_recomputed AS SELECT application_id, nik, at, agency, work_unit,"    \
	" state, request_type, CASE WHEN row_number() OVER (PARTITION BY nik"                      \
	" ORDER BY at DESC, application_id DESC) = 1 THEN 1 ELSE 0 END AS latest"                  \
	" FROM handed_rows;"

#endif
