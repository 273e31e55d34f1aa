// Xapian's side of the benchmark: the same corpus, English stemming, ranked
// by BM25Weight with our k1 = 0.9 and b = 0.4.
//   bench_xapian index DATA WORK | query DATA WORK
#include <xapian.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>

#include "bench.h"

static int index_corpus(const char *data, const char *work)
{
    std::string dir = std::string(work) + "/xapian";
    std::string path = std::string(data) + "/corpus.tsv";
    FILE *f = fopen(path.c_str(), "r");
    if (!f)
        return 1;
    double start = bench_now_ms();
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    gen.set_stemmer(Xapian::Stem("english"));
    gen.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    char *line = NULL;
    size_t cap = 0;
    db.begin_transaction(false);
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        Xapian::Document doc;
        gen.set_document(doc);
        gen.index_text(tab + 1);
        db.add_document(doc);
    }
    db.commit_transaction();
    db.close();
    Xapian::Database(dir).compact(dir + ".compact");
    bench_result("bm25", "xapian", "index_build", (bench_now_ms() - start) / 1000, "s");
    std::string du = "du -sb " + dir + ".compact | cut -f1";
    FILE *p = popen(du.c_str(), "r");
    long bytes = 0;
    if (p && fscanf(p, "%ld", &bytes) == 1)
        bench_result("bm25", "xapian", "index_size", (double)bytes / 1048576.0, "MiB");
    if (p)
        pclose(p);
    free(line);
    fclose(f);
    return 0;
}

static int run_queries(const char *data, const char *work)
{
    Xapian::Database db(std::string(work) + "/xapian.compact");
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight(0.9, 0, 1, 0.4, 0.5));
    Xapian::Stem stem("english");
    std::string path = std::string(data) + "/queries.tsv";
    for (int and_mode = 0; and_mode < 2; and_mode++) {
        FILE *f = fopen(path.c_str(), "r");
        double samples[3][200];
        size_t counts[3] = {0, 0, 0};
        char words[512];
        int terms;
        while ((terms = bench_read_query(f, words, sizeof(words))) > 0) {
            double start = bench_now_ms();
            std::vector<Xapian::Query> parts;
            char *save = NULL;
            for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
                parts.push_back(Xapian::Query(stem(w)));
            Xapian::Query q(and_mode ? Xapian::Query::OP_AND : Xapian::Query::OP_OR,
                            parts.begin(), parts.end());
            enquire.set_query(q);
            Xapian::MSet mset = enquire.get_mset(0, 10);
            for (auto it = mset.begin(); it != mset.end(); ++it)
                (void)*it;
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
            bench_result("bm25", "xapian", metric, bench_percentile(samples[s], counts[s], 50),
                         "ms");
            snprintf(metric, sizeof(metric), "p99_%dterm_%s", n, and_mode ? "and" : "or");
            bench_result("bm25", "xapian", metric, bench_percentile(samples[s], counts[s], 99),
                         "ms");
        }
    }
    bench_result("bm25", "xapian", "query_rss", (double)bench_max_rss_kb() / 1024.0, "MiB");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "index") == 0)
        return index_corpus(argv[2], argv[3]);
    if (argc >= 4 && strcmp(argv[1], "query") == 0)
        return run_queries(argv[2], argv[3]);
    fprintf(stderr, "usage: bench_xapian index|query DATA WORK\n");
    return 2;
}
