package dev.skiff.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The {@code oci-layout} file of an OCI image layout. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciLayout(String imageLayoutVersion) {}
