/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_crc32c.c: CRC-32C (Castagnoli), the checksum of a spool record.
 * Table-driven, built on first use; pure C.
 */

#include "sc_crc32c.h"


static uint32_t  sc_crc32c_table[256];
static int       sc_crc32c_ready;


static void
sc_crc32c_init(void)
{
    int       k;
    uint32_t  i, c;

    for (i = 0; i < 256; i++) {
        c = i;

        for (k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78 : c >> 1;
        }

        sc_crc32c_table[i] = c;
    }

    sc_crc32c_ready = 1;
}


uint32_t
sc_crc32c(uint32_t crc, const unsigned char *p, size_t len)
{
    if (!sc_crc32c_ready) {
        sc_crc32c_init();
    }

    crc = ~crc;

    while (len--) {
        crc = sc_crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }

    return ~crc;
}
