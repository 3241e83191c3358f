/*
 * backup.c: a backup a station can be restored from. A directory holding the database
 * (sqlite's online copy), every file of the data directory, and a manifest with the
 * SHA-256 of each and the audit head; a restore checks all of it before it moves anything.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "workflow-int.h"

#define MANIFEST "MANIFEST"
#define MANIFEST_MAGIC "enroll-backup 1"
#define BACKUP_DB "enroll.db"
#define BACKUP_FILES "files"

static int
path_join(char *out, const char *a, const char *b, struct wf_error *err)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", a, b) >= PATH_MAX)
		return wf_fail(err, WF_ERR_INVALID, _("path too long: %s/%s"), a, b);
	return WF_OK;
}

static int
hash_file(const char *path, int out, char sha256[65], struct wf_error *err)
{
	int in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r;
	struct stat st;

	if (in < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode))
		r = wf_fail(err, WF_ERR_IO, _("%s is not a regular file"), path);
	else
		r = wf_copy_hashing(in, out, 0, sha256, err);
	close(in);
	return r;
}

/* Copy one file to a new private file (to NULL: only hash it); its line into the manifest. */
static int
copy_file(const char *from, const char *to, const char *rel, FILE *manifest,
	  struct wf_backup_info *info, struct wf_error *err)
{
	char sha256[65];
	int out = -1, r;

	if (to != NULL &&
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), to, strerror(errno));
	r = hash_file(from, out, sha256, err);
	if (out >= 0 && close(out) != 0 && r == WF_OK)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), to, strerror(errno));
	if (r != WF_OK)
		return r;
	if (manifest != NULL)
		fprintf(manifest, "%s  %s\n", sha256, rel);
	if (info != NULL)
		info->files++;
	return WF_OK;
}

/*
 * Copy the tree under from into to (made here; NULL: only hash), in name order so that the
 * manifest is the same for the same files. The lock files are the running station's.
 */
static int
copy_tree(const char *from, const char *to, const char *rel, FILE *manifest,
	  struct wf_backup_info *info, struct wf_error *err)
{
	char src[PATH_MAX], dst[PATH_MAX], sub[PATH_MAX];
	struct dirent **names = NULL;
	struct stat st;
	int n, r = WF_OK;

	if (to != NULL && mkdir(to, 0700) != 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), to, strerror(errno));
	if ((n = scandir(from, &names, NULL, alphasort)) < 0)
		return errno == ENOENT
			   ? WF_OK
			   : wf_fail(err, WF_ERR_IO, _("%s: %s"), from, strerror(errno));
	for (int i = 0; i < n && r == WF_OK; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    (strcmp(rel, BACKUP_FILES) == 0 && strcmp(name, "locks") == 0))
			continue;
		if ((r = path_join(src, from, name, err)) != WF_OK ||
		    (to != NULL && (r = path_join(dst, to, name, err)) != WF_OK))
			break;
		snprintf(sub, sizeof(sub), "%s/%s", rel, name);
		if (lstat(src, &st) != 0)
			r = wf_fail(err, WF_ERR_IO, _("%s: %s"), src, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			r = copy_tree(src, to ? dst : NULL, sub, manifest, info, err);
		else if (S_ISREG(st.st_mode))
			r = copy_file(src, to ? dst : NULL, sub, manifest, info, err);
		else
			r = wf_fail(err, WF_ERR_IO, _("%s is not a regular file or directory"),
				    src);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* Remove a tree this module made (a staging directory): files and directories only. */
static void
remove_tree(const char *path)
{
	char sub[PATH_MAX];
	struct dirent *entry;
	DIR *dir = opendir(path);

	if (dir == NULL) {
		unlink(path);
		return;
	}
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, entry->d_name) < sizeof(sub))
			remove_tree(sub);
	}
	closedir(dir);
	rmdir(path);
}

/* Make the parents of path as the user's private directories (mkdir -p). */
static int
make_parents(const char *path, struct wf_error *err)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return wf_fail(err, WF_ERR_IO, _("%s: %s"), dir, strerror(errno));
		*p = '/';
	}
	return WF_OK;
}

static int
write_manifest_header(FILE *manifest, const char *database, const struct wf_backup_info *info)
{
	return fprintf(manifest, "%s\ndatabase %s\naudit-rows %" PRId64 "\naudit-head %s\n\n",
		       MANIFEST_MAGIC, database, info->audit_rows, info->audit_head) < 0;
}

/* Write the manifest: header, then the files as sha256sum(1) writes them. */
static int
write_backup(struct wf_store *store, const char *staging, struct wf_backup_info *info,
	     struct wf_error *err)
{
	char db_copy[PATH_MAX], files[PATH_MAX], manifest_path[PATH_MAX], body_path[PATH_MAX];
	char database[PATH_MAX], line[PATH_MAX + 80];
	FILE *body = NULL, *manifest = NULL;
	int r;

	if ((r = path_join(db_copy, staging, BACKUP_DB, err)) != WF_OK ||
	    (r = path_join(files, staging, BACKUP_FILES, err)) != WF_OK ||
	    (r = path_join(manifest_path, staging, MANIFEST, err)) != WF_OK ||
	    (r = path_join(body_path, staging, MANIFEST ".body", err)) != WF_OK)
		return r;
	if (realpath(store->path, database) == NULL)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), store->path, strerror(errno));
	if (!store->driver->backup)
		return wf_backup(store, db_copy, err);
	if ((r = store->driver->backup(store->db, db_copy, &info->audit_rows, info->audit_head,
				       err)) != WF_OK)
		return r;
	if ((body = fopen(body_path, "w+e")) == NULL)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), body_path, strerror(errno));
	/* The database first, then the data directory's files under files/. */
	if ((r = hash_file(db_copy, -1, line, err)) == WF_OK)
		fprintf(body, "%s  %s\n", line, BACKUP_DB);
	if (r == WF_OK)
		r = copy_tree(store->data_dir, files, BACKUP_FILES, body, info, err);
	if (r == WF_OK && (manifest = fopen(manifest_path, "wxe")) == NULL)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), manifest_path, strerror(errno));
	if (r == WF_OK && write_manifest_header(manifest, database, info) != 0)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), manifest_path, strerror(errno));
	rewind(body);
	while (r == WF_OK && fgets(line, sizeof(line), body) != NULL)
		fputs(line, manifest);
	if (manifest != NULL && (fflush(manifest) != 0 || fsync(fileno(manifest)) != 0) &&
	    r == WF_OK)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), manifest_path, strerror(errno));
	if (manifest != NULL)
		fclose(manifest);
	fclose(body);
	unlink(body_path);
	return r;
}

int
wf_backup_create(struct wf_store *store, const char *dir, struct wf_backup_info *info,
		 struct wf_error *err)
{
	struct wf_backup_info made = {0};
	char staging[PATH_MAX];
	struct stat st;
	int r;

	wf_error_clear(err);
	if (store == NULL || dir == NULL || *dir == '\0')
		return wf_fail(err, WF_ERR_INVALID, _("no backup directory given"));
	if (lstat(dir, &st) == 0)
		return wf_fail(err, WF_ERR_EXISTS, _("%s already exists: give a new directory"),
			       dir);
	if ((size_t)snprintf(staging, sizeof(staging), "%s.partial", dir) >= sizeof(staging))
		return wf_fail(err, WF_ERR_INVALID, _("path too long: %s"), dir);
	if ((r = make_parents(dir, err)) != WF_OK)
		return r;
	if (mkdir(staging, 0700) != 0)
		return wf_fail(err, errno == EEXIST ? WF_ERR_EXISTS : WF_ERR_IO,
			       _("%s: %s (an unfinished backup: remove it)"), staging,
			       strerror(errno));
	r = write_backup(store, staging, &made, err);
	if (r == WF_OK && rename(staging, dir) != 0)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), dir, strerror(errno));
	if (r != WF_OK) {
		remove_tree(staging);
		return r;
	}
	if (info != NULL)
		*info = made;
	return WF_OK;
}

/* A manifest as read back: the header, the database's hash, the files' lines as text. */
struct manifest {
	char database[PATH_MAX];
	struct wf_backup_info info;
	char db_sha256[65];
	char *files; /* the lines after the database's, exactly as written */
};

static int
parse_manifest(char *text, struct manifest *m, const char *path, struct wf_error *err)
{
	char magic[32], *body, *files;
	int used = 0;

	if ((body = strstr(text, "\n\n")) == NULL)
		return wf_fail(err, WF_ERR_BACKUP, _("%s is not a backup manifest"), path);
	*body = '\0';
	body += 2;
	if (sscanf(text, "%31[^\n]\ndatabase %4095[^\n]\naudit-rows %" SCNd64 "\naudit-head %64s%n",
		   magic, m->database, &m->info.audit_rows, m->info.audit_head, &used) != 4 ||
	    strcmp(magic, MANIFEST_MAGIC) != 0 || text[used] != '\0')
		return wf_fail(err, WF_ERR_BACKUP,
			       _("%s is not a backup manifest this program wrote"), path);
	if (strlen(body) < 66 + strlen(BACKUP_DB) ||
	    strncmp(body + 64, "  " BACKUP_DB "\n", 12) != 0)
		return wf_fail(err, WF_ERR_BACKUP, _("%s does not list the database first"), path);
	memcpy(m->db_sha256, body, 64);
	m->db_sha256[64] = '\0';
	files = body + 66 + strlen(BACKUP_DB) + 1;
	if ((m->files = strdup(files)) == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	return WF_OK;
}

/* What a checked manifest says, for the caller (info may be NULL). */
static void
manifest_info(const struct manifest *m, struct wf_backup_info *info)
{
	if (info == NULL)
		return;
	*info = m->info;
	for (const char *p = m->files; (p = strchr(p, '\n')) != NULL; p++)
		info->files++;
}

/* Read dir/MANIFEST (at most 16 MiB: a station's scans are counted in thousands). */
static int
read_manifest(const char *dir, struct manifest *m, struct wf_error *err)
{
	char path[PATH_MAX], *text = NULL;
	size_t length = 0, room = 16 * 1024 * 1024;
	FILE *f;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = path_join(path, dir, MANIFEST, err)) != WF_OK)
		return r;
	if ((f = fopen(path, "re")) == NULL)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	if ((text = malloc(room + 1)) == NULL) {
		fclose(f);
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	}
	length = fread(text, 1, room + 1, f);
	fclose(f);
	text[length > room ? room : length] = '\0';
	if (length > room || memchr(text, '\0', length) != NULL)
		r = wf_fail(err, WF_ERR_BACKUP, _("%s is not a backup manifest"), path);
	else
		r = parse_manifest(text, m, path, err);
	free(text);
	return r;
}

/* Nothing in the backup's top level but what a backup holds. */
static int
check_top_level(const char *dir, struct wf_error *err)
{
	static const char *const expected[] = {".", "..", MANIFEST, BACKUP_DB, BACKUP_FILES};
	struct dirent **names = NULL;
	int n, r = WF_OK;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		size_t k = 0;

		while (k < sizeof(expected) / sizeof(expected[0]) &&
		       strcmp(expected[k], names[i]->d_name) != 0)
			k++;
		if (k == sizeof(expected) / sizeof(expected[0]) && r == WF_OK)
			r = wf_fail(err, WF_ERR_BACKUP, _("%s/%s is not in the backup's manifest"),
				    dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return r;
}

/* The files under dir/files, hashed (and copied to to, unless NULL), as the manifest has them. */
static int
check_files(const char *dir, const char *to, const struct manifest *m, struct wf_error *err)
{
	char files[PATH_MAX], *body = NULL;
	size_t length = 0;
	FILE *walk;
	int r;

	if ((r = path_join(files, dir, BACKUP_FILES, err)) != WF_OK)
		return r;
	if ((walk = open_memstream(&body, &length)) == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	r = copy_tree(files, to, BACKUP_FILES, walk, NULL, err);
	fclose(walk);
	if (r == WF_OK && strcmp(body, m->files) != 0)
		r = wf_fail(
		    err, WF_ERR_BACKUP,
		    _("the files in %s differ from its manifest: a file was changed, added or "
		      "removed"),
		    dir);
	free(body);
	return r;
}

/* Copy the database to staged, check its hash, its audit chain and its head. */
static int
stage_database(const char *dir, const char *staged, const struct manifest *m, struct wf_error *err)
{
	struct wf_backup_info head = {0};
	char from[PATH_MAX], sha256[65];
	struct wf_store *store;
	int out, r;

	if ((r = path_join(from, dir, BACKUP_DB, err)) != WF_OK)
		return r;
	if ((out = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return wf_fail(err, errno == EEXIST ? WF_ERR_EXISTS : WF_ERR_IO, _("%s: %s"),
			       staged, strerror(errno));
	r = hash_file(from, out, sha256, err);
	close(out);
	if (r == WF_OK && strcmp(sha256, m->db_sha256) != 0)
		r = wf_fail(err, WF_ERR_BACKUP, _("%s differs from its manifest"), from);
	if (r != WF_OK)
		return r;
	if ((store = wf_store_open(staged, err)) == NULL)
		return err->code;
	if ((r = wf_audit_verify(store, NULL, NULL, err)) == WF_ERR_AUDIT)
		r = wf_fail(err, WF_ERR_BACKUP, _("the audit chain of %s does not verify"), from);
	if (r == WF_OK)
		r = wf_audit_head(store, &head.audit_rows, head.audit_head, err);
	wf_store_close(store);
	if (r == WF_OK && (head.audit_rows != m->info.audit_rows ||
			   strcmp(head.audit_head, m->info.audit_head) != 0))
		r = wf_fail(err, WF_ERR_BACKUP,
			    _("the database's audit head is not the one its manifest records"));
	return r;
}

int
wf_backup_check(const char *dir, struct wf_backup_info *info, struct wf_error *err)
{
	char scratch[] = "/tmp/enroll-check-XXXXXX", staged[PATH_MAX];
	struct manifest m;
	int r;

	wf_error_clear(err);
	if ((r = read_manifest(dir, &m, err)) != WF_OK)
		goto out;
	if ((r = check_top_level(dir, err)) != WF_OK ||
	    (r = check_files(dir, NULL, &m, err)) != WF_OK)
		goto out;
	if (mkdtemp(scratch) == NULL) {
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), scratch, strerror(errno));
		goto out;
	}
	if ((r = path_join(staged, scratch, BACKUP_DB, err)) == WF_OK)
		r = stage_database(dir, staged, &m, err);
	remove_tree(scratch);
	if (r == WF_OK)
		manifest_info(&m, info);
out:
	free(m.files);
	return r;
}

/* The absolute path a database path names (its directory made if missing). */
static int
absolute_db_path(const char *db_path, char out[PATH_MAX], struct wf_error *err)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(db_path, '/'), *base = slash ? slash + 1 : db_path;
	int r;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s/", (int)(slash - db_path), db_path);
	if ((r = make_parents(db_path, err)) != WF_OK)
		return r;
	if (realpath(dir, real) == NULL)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), dir, strerror(errno));
	return path_join(out, real, base, err);
}

/* Move the station's database and data directory aside under suffix; names kept. */
static int
set_aside(const char *db, const char *suffix, struct wf_error *err)
{
	static const char *const parts[] = {"", "-wal", "-shm", ".files"};
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", db, parts[i]);
		if ((size_t)snprintf(to, sizeof(to), "%s%s%s", db, parts[i], suffix) >= sizeof(to))
			return wf_fail(err, WF_ERR_INVALID, _("path too long: %s"), db);
		if (lstat(from, &st) == 0 && rename(from, to) != 0)
			return wf_fail(err, WF_ERR_IO, _("%s: %s"), from, strerror(errno));
	}
	return WF_OK;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Check the backup in full while copying it beside the database, then swap it in. */
static int
restore_checked(const char *dir, const char *db, const struct manifest *m, bool replace,
		struct wf_error *err)
{
	/* db is an absolute path shorter than PATH_MAX: room for the suffixes. */
	char staged[PATH_MAX + 16], staged_files[PATH_MAX + 32], files[PATH_MAX + 8], suffix[64];
	time_t now = time(NULL);
	struct tm tm;
	int r;

	snprintf(staged, sizeof(staged), "%s.restoring", db);
	snprintf(staged_files, sizeof(staged_files), "%s.files.restoring", db);
	snprintf(files, sizeof(files), "%s.files", db);
	if (exists(staged) || exists(staged_files))
		return wf_fail(err, WF_ERR_EXISTS,
			       _("%s or %s is there: an unfinished restore; remove "
				 "them and restore again"),
			       staged, staged_files);
	if (!replace && (exists(db) || exists(files)))
		return wf_fail(err, WF_ERR_EXISTS,
			       _("a station is at %s already: give --replace to "
				 "set it aside (kept as %s.replaced-<date>)"),
			       db, db);
	if ((r = stage_database(dir, staged, m, err)) != WF_OK ||
	    (r = check_files(dir, staged_files, m, err)) != WF_OK)
		goto out;
	strftime(suffix, sizeof(suffix), ".replaced-%Y%m%dT%H%M%S", localtime_r(&now, &tm));
	if ((r = set_aside(db, suffix, err)) != WF_OK)
		goto out;
	if (rename(staged, db) != 0 || rename(staged_files, files) != 0)
		r = wf_fail(err, WF_ERR_IO, _("moving the restored station into place: %s"),
			    strerror(errno));
out:
	if (r != WF_OK) {
		remove_tree(staged);
		remove_tree(staged_files);
	}
	return r;
}

int
wf_restore(const char *dir, const char *db_path, bool replace, struct wf_backup_info *info,
	   struct wf_error *err)
{
	char db[PATH_MAX];
	struct manifest m;
	int r;

	wf_error_clear(err);
	if (dir == NULL || db_path == NULL || *db_path == '\0')
		return wf_fail(err, WF_ERR_INVALID, _("no backup or database path given"));
	if (wf_target_is_server(db_path))
		return wf_fail(
		    err, WF_ERR_INVALID,
		    _("%s is kept by a PostgreSQL server: restore it there with pg_restore;"
		      " a station's backup moves to it with enroll migrate"),
		    db_path);
	if ((r = read_manifest(dir, &m, err)) != WF_OK)
		goto out;
	if ((r = check_top_level(dir, err)) != WF_OK ||
	    (r = absolute_db_path(db_path, db, err)) != WF_OK)
		goto out;
	/* The records name their scans by absolute path: the station goes back where it was. */
	if (strcmp(db, m.database) != 0) {
		r = wf_fail(err, WF_ERR_INVALID,
			    _("this is a backup of the station at %s, whose "
			      "records name files under %s.files: restore it there"),
			    m.database, m.database);
		goto out;
	}
	if ((r = restore_checked(dir, db, &m, replace, err)) == WF_OK)
		manifest_info(&m, info);
out:
	free(m.files);
	return r;
}
