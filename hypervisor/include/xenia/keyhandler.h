/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug keys on the serial console, as Xen's: 'h' lists them. */
#ifndef XENIA_KEYHANDLER_H
#define XENIA_KEYHANDLER_H

/* Run the handler for key (from the serial input, interrupts off). */
void handle_keypress(char key);

/* The dumps behind the keys, each owned by the file whose state it shows. */
void dump_domains(void);         /* domain.c: domains and their vCPUs */
void dump_runqueues(void);       /* sched.c: what each CPU runs and queues */
void dump_evtchn(void);          /* event_channel_op.c: bound ports */
void dump_grant_tables(void);    /* grant_table_op.c: grant table usage */

#endif /* XENIA_KEYHANDLER_H */
