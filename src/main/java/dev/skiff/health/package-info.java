/**
 * SmallRye Health liveness and readiness checks. Reads store, runtime and engine state; changes nothing.
 */
package dev.skiff.health;
