package io.poolbridge.allocator;

/**
 * A revocable placement the allocator asks to take back because the owner of the capacity it
 * borrows needs it again. The caller stops the instance and calls {@code recover}.
 *
 * @param owner the role whose guarantee or reservation needs the capacity back
 */
public record Revocation(Placement placement, String owner) {}
