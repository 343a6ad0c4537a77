/*
 * central_schema.h - the central PostgreSQL's schema (host/docs/export.md):
 * tables of the centres' configuration, tickets and events, and the view
 * `legs` that turns the events into legs with the definitions of
 * host/docs/stats.md.  Constant SQL, several statements, for PQexec.
 */
#ifndef ONESTOP_CENTRAL_SCHEMA_H
#define ONESTOP_CENTRAL_SCHEMA_H

extern const char central_schema_sql[];

#endif
