/*
 * Fuzz target: the configuration file (src/base/config.c): the input is
 * DATA/unify.conf, read by ud_config_load, then printed as `unify config`
 * prints it.
 */
#include <stdio.h>

#include "base/config.h"
#include "base/error.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[4200], file[4200];
    ud_fuzz_fresh_dir(dir, sizeof(dir), "data");
    ud_fuzz_write(file, sizeof(file), "data/unify.conf", data, size);
    static ud_config config; /* large: not on the stack */
    ud_config_init(&config, dir);
    if (ud_config_load(&config) == 0) {
        FILE *out = fopen("/dev/null", "w");
        if (out) {
            ud_config_print(&config, out);
            fclose(out);
        }
    } else {
        UD_FUZZ_ASSERT(ud_error_last()[0] != '\0');
    }
    ud_error_clear();
    return 0;
}
