/*
 * Smooth inverse frequency (Arora, Liang and Ma, 2017): a text's vector is
 * the mean of its words' vectors, each weighted a / (a + p(w)), minus its
 * projection on the corpus's first principal component. p(w) comes from the
 * word's frequency rank through Zipf's law, p(rank) = 1 / ((rank + 1) H_n)
 * with H_n the n-th harmonic number, so no corpus counts are needed.
 */
#ifndef UD_EMBED_SIF_H
#define UD_EMBED_SIF_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define UD_SIF_A 1e-3

static inline double ud_sif_probability(uint32_t rank, size_t vocabulary)
{
    double n = vocabulary ? (double)vocabulary : 1.0;
    double harmonic = log(n) + 0.5772156649015329 + 1.0 / (2.0 * n);
    return 1.0 / (((double)rank + 1.0) * harmonic);
}

static inline double ud_sif_weight(uint32_t rank, size_t vocabulary)
{
    return UD_SIF_A / (UD_SIF_A + ud_sif_probability(rank, vocabulary));
}

#endif
