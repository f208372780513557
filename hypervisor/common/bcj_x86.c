/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 BCJ filter, decoding side: call/jmp targets back to relative. */
#include <xenia/xz.h>

/*
 * The encoder made the 32-bit operands of E8 (call) and E9 (jmp)
 * absolute, which compresses better as calls to one function then look
 * alike. Only operands whose top byte is 00 or ff are touched (near,
 * plausible targets), and a history of recent unconverted opcode bytes
 * decides, exactly as the encoder did, which E8/E9 bytes were opcodes
 * rather than parts of other instructions. Bit-exact agreement with the
 * encoder is the whole point, so the rules below are the filter's
 * definition and not a heuristic of ours.
 *
 * history: bit k (k = 1..3) set means the byte k positions back was an
 * E8/E9 that was left alone; bit k + 4 means its operand's top byte was
 * 00/ff as well. It is aged by one bit per byte between opcodes.
 */
static bool near_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
    /* Indexed by (history >> 1) & 7: may we convert, and which byte to test. */
    static const bool allowed[8] = {true, true, true, false,
                                    true, false, false, false};
    static const uint8_t test_byte[8] = {0, 1, 2, 2, 3, 3, 3, 3};
    unsigned int history = 0;
    size_t i = 0, prev = (size_t)0 - 5; /* "long ago": the history is empty */

    if ( len < 5 )
        return;
    while ( i <= len - 5 )
    {
        size_t gap;
        uint8_t top;

        if ( (buf[i] & 0xfe) != 0xe8 )
        {
            i++;
            continue;
        }
        gap = i - prev;
        prev = i;
        if ( gap > 5 )
            history = 0;
        else
            while ( gap-- )
                history = (history & 0x77) << 1;

        top = buf[i + 4];
        if ( near_byte(top) && allowed[(history >> 1) & 7] &&
             (history >> 1) < 0x10 )
        {
            uint32_t v = (uint32_t)buf[i + 1] | (uint32_t)buf[i + 2] << 8 |
                         (uint32_t)buf[i + 3] << 16 | (uint32_t)top << 24;
            uint32_t here = start + (uint32_t)i + 5, dest;

            /*
             * With recent unconverted opcodes about, the encoder also
             * flipped the operand while one of its bytes looked like the
             * top of a near operand; undo that as many times.
             */
            for ( ;; )
            {
                unsigned int shift;

                dest = v - here;
                if ( !history )
                    break;
                shift = 8 * test_byte[(history >> 1) & 7];
                if ( !shift || !near_byte((uint8_t)(dest >> (24 - shift))) )
                    break;
                v = dest ^ ((1u << (32 - shift)) - 1);
            }
            buf[i + 1] = (uint8_t)dest;
            buf[i + 2] = (uint8_t)(dest >> 8);
            buf[i + 3] = (uint8_t)(dest >> 16);
            buf[i + 4] = (dest >> 24) & 1 ? 0xff : 0x00;
            i += 5;
            history = 0;
        }
        else
        {
            i++;
            history |= 1;
            if ( near_byte(top) )
                history |= 0x10;
        }
    }
}
