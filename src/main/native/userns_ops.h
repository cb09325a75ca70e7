/* userns_ops.h -- `skiff-shim userns-run` (see userns_ops.c for the request format). */
#ifndef SHIM_USERNS_OPS_H
#define SHIM_USERNS_OPS_H

/* Reads the request from stdin, runs it in a new user namespace (a child of the namespace holder
   whose pid file is `holder`, when not NULL); returns the exit status. */
int shim_userns_run_main (const char *holder);

#endif
