/**
 * libpod resources (/libpod/...). One class per resource; calls the same engine methods as compat. May use: api, api.model, engine.
 */
package dev.skiff.api.libpod;
