// hnswlib's side of the ANN benchmark: inner-product space over the same
// normalised vectors, the same M and efConstruction as ours.
//   bench_hnswlib DATA
#include <hnswlib/hnswlib.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "bench.h"

static std::vector<float> read_vectors(const std::string &path, uint32_t *dims, size_t *count)
{
    FILE *f = fopen(path.c_str(), "rb");
    std::vector<float> v;
    if (!f || fread(dims, 4, 1, f) != 1)
        return v;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f) - 4;
    fseek(f, 4, SEEK_SET);
    *count = (size_t)bytes / (*dims * sizeof(float));
    v.resize((size_t)bytes / sizeof(float));
    if (fread(v.data(), 1, (size_t)bytes, f) != (size_t)bytes)
        v.clear();
    fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_hnswlib DATA\n");
        return 2;
    }
    std::string data = argv[1];
    uint32_t dims = 0, qdims = 0;
    size_t n = 0, nq = 0;
    std::vector<float> base = read_vectors(data + "/base.f32", &dims, &n);
    std::vector<float> queries = read_vectors(data + "/ann_queries.f32", &qdims, &nq);
    std::vector<uint32_t> truth(nq * 10);
    FILE *f = fopen((data + "/truth.u32").c_str(), "rb");
    if (base.empty() || queries.empty() || !f ||
        fread(truth.data(), sizeof(uint32_t), nq * 10, f) != nq * 10)
        return 1;
    fclose(f);
    hnswlib::InnerProductSpace space(dims);
    double start = bench_now_ms();
    hnswlib::HierarchicalNSW<float> index(&space, n, 16, 200, 100);
    for (size_t i = 0; i < n; i++)
        index.addPoint(&base[i * dims], i);
    bench_result("ann", "hnswlib", "index_build", (bench_now_ms() - start) / 1000, "s");
    size_t efs[] = {16, 32, 64, 128, 256};
    for (size_t ef : efs) {
        index.setEf(ef);
        size_t found = 0;
        start = bench_now_ms();
        for (size_t q = 0; q < nq; q++) {
            auto result = index.searchKnn(&queries[q * dims], 10);
            while (!result.empty()) {
                size_t id = result.top().second;
                result.pop();
                for (int t = 0; t < 10; t++)
                    if (id == truth[q * 10 + t]) {
                        found++;
                        break;
                    }
            }
        }
        double seconds = (bench_now_ms() - start) / 1000;
        char metric[64];
        snprintf(metric, sizeof(metric), "recall10_ef%zu", ef);
        bench_result("ann", "hnswlib", metric, (double)found / (double)(nq * 10), "ratio");
        snprintf(metric, sizeof(metric), "qps_ef%zu", ef);
        bench_result("ann", "hnswlib", metric, (double)nq / seconds, "queries/s");
    }
    return 0;
}
