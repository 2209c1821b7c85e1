package io.fwoa.server.interaction;

/** HTTP status lines as bundles report them ("201 Created"). */
public final class Responses {

  private Responses() {}

  public static String statusLine(int status) {
    return status + " " + reason(status);
  }

  public static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      default -> "";
    };
  }
}
