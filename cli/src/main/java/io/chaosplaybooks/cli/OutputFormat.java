package io.chaosplaybooks.cli;

/** How a command prints its result: for people or for machines. */
enum OutputFormat { text, json }
