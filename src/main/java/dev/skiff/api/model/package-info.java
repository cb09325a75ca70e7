/**
 * Wire records of both flavours and ErrorModel. May not reference engine classes.
 */
package dev.skiff.api.model;
