/**
 * HTTP: resources, query/body decoding, the /v{version} prefix, API headers, wire records and the one exception mapper. May use: engine (and its value types), config, metrics. May not touch store or runtime directly, hold state, or decide lifecycle rules.
 */
package dev.skiff.api;
