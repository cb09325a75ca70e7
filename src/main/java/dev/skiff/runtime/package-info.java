/**
 * The host and the shim: host facts, the shim binary, (next) launching and supervising skiff-shim. May use: security value types, config. May not decide policy.
 */
package dev.skiff.runtime;
