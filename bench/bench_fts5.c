/*
 * SQLite FTS5's side of the benchmark: the same corpus in an fts5 table
 * (porter stemming over unicode61, as close to our analyzer as FTS5 gets),
 * ranked by its bm25() (k1 = 1.2 and b = 0.75 are fixed in FTS5).
 *   bench_fts5 index DATA WORK | query DATA WORK
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

static sqlite3 *open_db(const char *work)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/fts5.db", work);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return NULL;
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL);
    return db;
}

static int index_corpus(const char *data, const char *work)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/fts5.db", work);
    unlink(path);
    sqlite3 *db = open_db(work);
    snprintf(path, sizeof(path), "%s/corpus.tsv", data);
    FILE *f = fopen(path, "r");
    if (!db || !f)
        return 1;
    double start = bench_now_ms();
    sqlite3_exec(db, "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter unicode61');"
                     "BEGIN",
                 NULL, NULL, NULL);
    sqlite3_stmt *insert = NULL;
    sqlite3_prepare_v2(db, "INSERT INTO docs(rowid, body) VALUES (?, ?)", -1, &insert, NULL);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        sqlite3_bind_int64(insert, 1, strtoll(line, NULL, 10));
        sqlite3_bind_text(insert, 2, tab + 1, -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE)
            return 1;
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT; INSERT INTO docs(docs) VALUES('optimize')", NULL, NULL, NULL);
    sqlite3_close(db);
    bench_result("bm25", "fts5", "index_build", (bench_now_ms() - start) / 1000, "s");
    snprintf(path, sizeof(path), "%s/fts5.db", work);
    struct stat st;
    stat(path, &st);
    bench_result("bm25", "fts5", "index_size", (double)st.st_size / 1048576.0, "MiB");
    free(line);
    fclose(f);
    return 0;
}

static int run_queries(const char *data, const char *work)
{
    sqlite3 *db = open_db(work);
    char path[4200];
    snprintf(path, sizeof(path), "%s/queries.tsv", data);
    sqlite3_stmt *stmt = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "SELECT rowid FROM docs WHERE docs MATCH ? "
                                  "ORDER BY bm25(docs) LIMIT 10",
                                  -1, &stmt, NULL) != SQLITE_OK)
        return 1;
    for (int and_mode = 0; and_mode < 2; and_mode++) {
        FILE *f = fopen(path, "r");
        double samples[3][200];
        size_t counts[3] = {0};
        char words[512];
        int terms;
        while ((terms = bench_read_query(f, words, sizeof(words))) > 0) {
            char text[1024] = "";
            size_t at = 0;
            char *save = NULL;
            for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
                at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%s", at ? (and_mode ? " AND " : " OR ") : "", w);
            double start = bench_now_ms();
            sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
            while (sqlite3_step(stmt) == SQLITE_ROW)
                ;
            sqlite3_reset(stmt);
            int slot = terms == 1 ? 0 : terms == 2 ? 1 : 2;
            samples[slot][counts[slot]++] = bench_now_ms() - start;
        }
        fclose(f);
        for (int s = 0; s < 3; s++) {
            int n = s == 0 ? 1 : s == 1 ? 2 : 4;
            if (n == 1 && and_mode)
                continue;
            char metric[64];
            snprintf(metric, sizeof(metric), "p50_%dterm_%s", n, and_mode ? "and" : "or");
            bench_result("bm25", "fts5", metric, bench_percentile(samples[s], counts[s], 50), "ms");
            snprintf(metric, sizeof(metric), "p99_%dterm_%s", n, and_mode ? "and" : "or");
            bench_result("bm25", "fts5", metric, bench_percentile(samples[s], counts[s], 99), "ms");
        }
    }
    bench_result("bm25", "fts5", "query_rss", (double)bench_max_rss_kb() / 1024.0, "MiB");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "index") == 0)
        return index_corpus(argv[2], argv[3]);
    if (argc >= 4 && strcmp(argv[1], "query") == 0)
        return run_queries(argv[2], argv[3]);
    fprintf(stderr, "usage: bench_fts5 index|query DATA WORK\n");
    return 2;
}
