#!/usr/bin/perl
# Writes a small GeoIP2-Country-shaped MaxMind DB for the tests (never a downloaded database),
# with Debian's libmaxmind-db-writer-perl:
#   make_test_mmdb.pl OUT.mmdb NETWORK=COUNTRY:CONTINENT ...
# e.g. 198.51.100.0/24=DE:EU 203.0.113.0/24=JP:AS 2001:db8:1::/48=DE:EU
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($path, @ranges) = @ARGV;
die "usage: $0 OUT.mmdb NETWORK=COUNTRY:CONTINENT ...\n" unless $path && @ranges;

my %types = (
    country   => 'map',
    continent => 'map',
    iso_code  => 'utf8_string',
    code      => 'utf8_string',
    names     => 'map',
    en        => 'utf8_string',
    geoname_id => 'uint32',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 24,
    database_type         => 'Yoke-Test-Country',
    languages             => ['en'],
    description           => { en => 'Yoke test ranges' },
    map_key_type_callback => sub { $types{ $_[0] } },
    # The test ranges (RFC 5737 documentation networks) are reserved: keep them.
    remove_reserved_networks => 0,
);
my $id = 1;
for my $range (@ranges) {
    my ($network, $country, $continent) = $range =~ /^([^=]+)=([A-Z]+):([A-Z]+)$/
        or die "bad range $range\n";
    $tree->insert_network($network, {
        country   => { iso_code => $country, names => { en => "Country $country" },
                       geoname_id => $id++ },
        continent => { code => $continent },
    });
}
open my $fh, '>:raw', $path or die "cannot write $path: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $path: $!\n";
