/*
 * central_schema.h - the central PostgreSQL's schema (host/docs/export.md):
 * tables of the centres' configuration, tickets and events, and the view
 * `legs` that turns the events into legs with the definitions of
 * host/docs/stats.md, and the function legs_in(d0, d1): the same rows of the
 * tickets of days d0..d1 only.  Constant SQL, several statements, for PQexec.
 */
#ifndef ONESTOP_CENTRAL_SCHEMA_H
#define ONESTOP_CENTRAL_SCHEMA_H

extern const char central_schema_sql[];
/* The dashboard's accounts and rollup tables, legs_open and legs_fast
   (onestop-central --init-schema only). */
extern const char central_dashboard_sql[];
/* The statements of one rollup of closed days (onestop-central --rollup),
   NULL-terminated. */
extern const char *const central_rollup_steps[];

#endif
