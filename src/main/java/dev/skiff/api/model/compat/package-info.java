/**
 * Docker wire shapes.
 */
package dev.skiff.api.model.compat;
