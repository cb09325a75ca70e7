/* userns_ops.h -- `skiff-shim userns-run` (see userns_ops.c for the request format). */
#ifndef SHIM_USERNS_OPS_H
#define SHIM_USERNS_OPS_H

/* Reads the request from stdin, runs it in a new user namespace; returns the exit status. */
int shim_userns_run_main (void);

#endif
