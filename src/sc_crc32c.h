/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_crc32c.h: CRC-32C of a byte range; start with crc 0, chain calls.
 */

#ifndef _SC_CRC32C_H_INCLUDED_
#define _SC_CRC32C_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


uint32_t sc_crc32c(uint32_t crc, const unsigned char *p, size_t len);


#endif /* _SC_CRC32C_H_INCLUDED_ */
