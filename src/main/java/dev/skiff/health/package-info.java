/**
 * SmallRye Health liveness and readiness checks. Reads store and runtime state; changes nothing.
 */
package dev.skiff.health;
