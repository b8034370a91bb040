/*
 * test_crc32c.c: CRC-32C against the standard check values (RFC 3720).
 */

#include <string.h>

#include "tap.h"
#include "sc_crc32c.h"


int
main(void)
{
    unsigned char  zeros[32], ones[32];

    memset(zeros, 0, sizeof(zeros));
    memset(ones, 0xff, sizeof(ones));

    is_int(sc_crc32c(0, (const unsigned char *) "123456789", 9), 0xe3069283,
           "check value of \"123456789\"");
    is_int(sc_crc32c(0, zeros, 32), 0x8a9136aa, "32 zero bytes (RFC 3720)");
    is_int(sc_crc32c(0, ones, 32), 0x62a8ab43, "32 0xff bytes (RFC 3720)");
    is_int(sc_crc32c(sc_crc32c(0, (const unsigned char *) "1234", 4),
                     (const unsigned char *) "56789", 5),
           0xe3069283, "chained calls equal one call");
    is_int(sc_crc32c(0, NULL, 0), 0, "empty input");

    return done_testing();
}
