-- One database per service, each owned by its own role (the compose file's passwords are for local use only).
CREATE ROLE usage LOGIN PASSWORD 'usage';
CREATE ROLE payment LOGIN PASSWORD 'payment';
CREATE ROLE resources LOGIN PASSWORD 'resources';
CREATE ROLE support LOGIN PASSWORD 'support';
CREATE DATABASE usage OWNER usage;
CREATE DATABASE payment OWNER payment;
CREATE DATABASE resources OWNER resources;
CREATE DATABASE support OWNER support;
