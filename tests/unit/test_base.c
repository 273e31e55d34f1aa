/*
 * Tests of src/base: arenas, bounded buffers, dates, hashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/fs.h"
#include "base/str.h"
#include "test.h"

void test_base__arena_alloc_is_zeroed_and_aligned(void)
{
    ud_arena a;
    ud_arena_init(&a);
    for (size_t size = 1; size < 100000; size = size * 3 + 1) {
        unsigned char *p = ud_arena_alloc(&a, size);
        UD_CHECK(((uintptr_t)p % 16) == 0);
        for (size_t i = 0; i < size; i++)
            UD_CHECK(p[i] == 0);
        memset(p, 0xab, size);
    }
    UD_CHECK_EQ_STR("x=42", ud_arena_sprintf(&a, "x=%d", 42));
    ud_arena_dispose(&a);
}

static void count_cleanup(void *payload)
{
    int *order = payload;
    order[0] = order[0] * 10 + order[1]++;
}

void test_base__arena_cleanups_run_newest_first(void)
{
    ud_arena a;
    ud_arena_init(&a);
    int state[2] = {0, 1};
    ud_arena_on_dispose(&a, count_cleanup, state);
    ud_arena_on_dispose(&a, count_cleanup, state);
    ud_arena_dispose(&a);
    UD_CHECK_EQ_INT(12, state[0]);
}

void test_base__buf_refuses_growth_past_max(void)
{
    ud_buf b;
    ud_buf_init(&b, 10);
    UD_CHECK_OK(ud_buf_puts(&b, "hello"));
    UD_CHECK_OK(ud_buf_printf(&b, "%d", 1234));
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_buf_puts(&b, "xx"));
    UD_CHECK_EQ_STR("hello1234", b.ptr); /* unchanged by the refused append */
    UD_CHECK_OK(ud_buf_putc(&b, '!'));
    UD_CHECK_EQ_INT(10, b.len);
    ud_buf_dispose(&b);
}

void test_base__time_parse_formats(void)
{
    int64_t t = 0;
    UD_CHECK_OK(ud_time_parse(&t, "2026-01-15T10:30:00Z"));
    UD_CHECK_EQ_INT(1768473000, t);
    UD_CHECK_OK(ud_time_parse(&t, "2026-01-15T12:30:00+02:00"));
    UD_CHECK_EQ_INT(1768473000, t);
    UD_CHECK_OK(ud_time_parse(&t, "Thu, 15 Jan 2026 10:30:00 +0000"));
    UD_CHECK_EQ_INT(1768473000, t);
    UD_CHECK_OK(ud_time_parse(&t, "D:20260115103000Z"));
    UD_CHECK_EQ_INT(1768473000, t);
    UD_CHECK_OK(ud_time_parse(&t, "2026-01-15"));
    UD_CHECK_EQ_INT(1768435200, t);
    UD_CHECK(ud_time_parse(&t, "next tuesday") == UD_EINVAL);
    UD_CHECK(ud_time_parse(&t, "2026-13-01") == UD_EINVAL);
    char out[32];
    ud_time_format(out, 1768473000);
    UD_CHECK_EQ_STR("2026-01-15T10:30:00Z", out);
}

void test_base__sha256_known_vectors(void)
{
    /* FIPS 180-2 examples. */
    char hex[65];
    ud_sha256_hex(hex, "abc", 3);
    UD_CHECK_EQ_STR("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
    ud_sha256_hex(hex, "", 0);
    UD_CHECK_EQ_STR("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex);
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    ud_sha256_update(&ctx, "a", 1);
    ud_sha256_update(&ctx, "bc", 2);
    ud_sha256_end_hex(&ctx, hex);
    UD_CHECK_EQ_STR("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
}

void test_base__uuid_v4_shape(void)
{
    char a[37], b[37];
    UD_CHECK_OK(ud_uuid_v4(a));
    UD_CHECK_OK(ud_uuid_v4(b));
    UD_CHECK_EQ_INT(36, strlen(a));
    UD_CHECK(a[14] == '4');
    UD_CHECK(strchr("89ab", a[19]) != NULL);
    UD_CHECK(strcmp(a, b) != 0);
}

void test_base__file_read_caps_size(void)
{
    const char *path = ud_test_write_file(ud_test_tmpdir(), "f.txt", "0123456789", 10);
    char *data = NULL;
    size_t len = 0;
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_file_read(&data, &len, path, 9));
    UD_CHECK_OK(ud_file_read(&data, &len, path, 10));
    UD_CHECK_EQ_INT(10, len);
    UD_CHECK_EQ_STR("0123456789", data);
    free(data);
    UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_file_read(&data, &len, "/nonexistent/x", 10));
}
